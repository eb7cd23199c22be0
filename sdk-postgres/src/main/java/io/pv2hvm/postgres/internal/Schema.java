package io.pv2hvm.postgres.internal;

import io.pv2hvm.core.JournalException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The journal's tables, created or brought up to date on first use. Each version is a list of
 * statements applied once, in order, and recorded in {@code pv2hvm_schema_version}; a database that a
 * newer pv2hvm has migrated past what this one knows is refused untouched.
 */
public final class Schema {
    /**
     * Serializes concurrent first uses (two hosts starting at once) across the database: a
     * transaction-scoped advisory lock, released at commit or when the connection dies.
     */
    private static final long MIGRATION_LOCK = 0x7076_3268_766d_0001L;

    /** Version n is {@code VERSIONS.get(n - 1)}. */
    private static final List<List<String>> VERSIONS = List.of(
            // 1: the journal itself, one row per entry in append order. json, not jsonb: jsonb
            // refuses the NUL character, which a guest's text (a console line) may hold.
            List.of("""
                    CREATE TABLE pv2hvm_journal_entry (
                      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                      migration_id text NOT NULL,
                      entry json NOT NULL,
                      written_at timestamptz NOT NULL DEFAULT now())""",
                    "CREATE INDEX pv2hvm_journal_entry_migration ON pv2hvm_journal_entry (migration_id, id)"),
            // 2: one lease per migration, so processes on several hosts can share the journal.
            List.of("""
                    CREATE TABLE pv2hvm_journal_lease (
                      migration_id text PRIMARY KEY,
                      holder uuid NOT NULL,
                      holder_pid bigint NOT NULL,
                      holder_host text NOT NULL,
                      since timestamptz NOT NULL,
                      expires_at timestamptz NOT NULL)"""));

    /** The version this code writes and reads. */
    public static final int LATEST = VERSIONS.size();

    private Schema() {
    }

    /** Brings the schema to {@link #LATEST}; nothing is changed if it already is. */
    public static void migrate(Connection c, String journal) throws SQLException {
        migrateTo(c, LATEST, journal);
    }

    /**
     * Brings the schema to {@code target} in one transaction (PostgreSQL's DDL is transactional: a
     * failure leaves the previous version whole).
     *
     * @throws JournalException if the database is at a version newer than this code knows
     */
    public static void migrateTo(Connection c, int target, String journal) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS pv2hvm_schema_version (version integer PRIMARY KEY,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
            int current = version(s);
            if (current > LATEST) {
                c.rollback();
                throw new JournalException("The journal database " + journal + " has schema version " + current
                        + ", newer than this pv2hvm knows (" + LATEST + "): a newer pv2hvm migrated it. Nothing was"
                        + " read or changed. Use that pv2hvm version (or newer) on every host.");
            }
            for (int v = current + 1; v <= target; v++) {
                for (String sql : VERSIONS.get(v - 1)) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO pv2hvm_schema_version (version) VALUES (" + v + ")");
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** The schema version of the database {@code c} is connected to; 0 before the first use. */
    public static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            return version(s);
        }
    }

    private static int version(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM pv2hvm_schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
