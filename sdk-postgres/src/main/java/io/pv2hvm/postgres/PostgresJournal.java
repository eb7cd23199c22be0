package io.pv2hvm.postgres;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.JournalLockedException;
import io.pv2hvm.core.journal.JournalEntries;
import io.pv2hvm.core.journal.MigrationIds;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.JournalLock;
import io.pv2hvm.postgres.internal.ConnectionSource;
import io.pv2hvm.postgres.internal.IdleConnections;
import io.pv2hvm.postgres.internal.JdbcUrl;
import io.pv2hvm.postgres.internal.Lease;
import io.pv2hvm.postgres.internal.Schema;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A journal in a PostgreSQL database, shared by every process (on any host) that connects to it:
 * a fleet run from several machines, or a resume on another machine after one died.
 *
 * <p>{@link #lock} is a <b>lease</b> per migration: the process that runs, resumes or rolls back a
 * migration holds it and renews it every third of its length (default {@link #DEFAULT_LEASE});
 * another process is refused with {@link JournalLockedException} naming the holder and when its
 * lease runs out. A holder that dies (kill -9, lost host) stops renewing, so its lease runs out
 * and a {@code resume} from any host continues the migration. Every append of a holder first
 * re-checks, under a row lock, that the lease is still its own: a holder that stalled past its
 * lease while another took over cannot write to the journal again, and its migration stops there.
 * All times come from the database server's clock.
 *
 * <p>The tables ({@code pv2hvm_journal_entry}, {@code pv2hvm_journal_lease},
 * {@code pv2hvm_schema_version}) are created in the connection's current schema on first use, or
 * migrated from an older version; the user needs {@code CREATE} there the first time, then
 * {@code SELECT, INSERT, UPDATE, DELETE}. Entries are stored as {@code json}, the same JSON the
 * file journal writes. Appends are durable when they return: a committed transaction, under
 * PostgreSQL's default {@code synchronous_commit = on}.
 *
 * <pre>{@code
 * Journal journal = PostgresJournal.connect("jdbc:postgresql://db.internal/pv2hvm?user=pv2hvm"); // PGPASSWORD
 * Migration.of(id).toHvm().withJournal(journal).run();
 * }</pre>
 */
public final class PostgresJournal implements Journal {
    /** The lease length unless {@link #withLease} says otherwise. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(2);

    private static final Duration MIN_LEASE = Duration.ofSeconds(1);
    private static final Duration MAX_LEASE = Duration.ofHours(24);

    private final ConnectionSource connections;
    private final String description;
    private final Duration lease;
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor renewer;
    private volatile boolean schemaReady;

    private PostgresJournal(ConnectionSource connections, String description, Duration lease) {
        this.connections = connections;
        this.description = description;
        this.lease = lease;
        this.renewer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pv2hvm-journal-lease");
            t.setDaemon(true); // renewing must not keep a finished process alive
            return t;
        });
        renewer.setKeepAliveTime(1, TimeUnit.MINUTES);
        renewer.allowCoreThreadTimeOut(true);
        renewer.setRemoveOnCancelPolicy(true);
    }

    /**
     * A journal at {@code jdbcUrl} ({@code jdbc:postgresql://HOST[:PORT]/DATABASE?user=USER}), with
     * the password from the URL or else from the environment variable {@code PGPASSWORD}. Nothing
     * connects until the first use.
     *
     * @throws InvalidSpecException if {@code jdbcUrl} is not a PostgreSQL JDBC URL
     */
    public static PostgresJournal connect(String jdbcUrl) {
        return connect(jdbcUrl, System.getenv());
    }

    /** {@link #connect(String)} with {@code env} in place of the process environment ({@code PGPASSWORD}). */
    public static PostgresJournal connect(String jdbcUrl, Map<String, String> env) {
        JdbcUrl url = JdbcUrl.parse(jdbcUrl, env);
        return new PostgresJournal(new IdleConnections(url::connect), url.describe(), DEFAULT_LEASE);
    }

    /**
     * A journal on the database of {@code dataSource} (a connection pool the application already
     * has); {@code description} names it in messages and must hold no credential.
     */
    public static PostgresJournal using(DataSource dataSource, String description) {
        Objects.requireNonNull(dataSource, "dataSource");
        return new PostgresJournal(dataSource::getConnection, Objects.requireNonNull(description, "description"),
                DEFAULT_LEASE);
    }

    /**
     * The same database with leases of {@code length}: long enough to outlast a pause of the holder
     * (a GC, a slow network) and short enough to wait for after a crash. From 1 second to 24 hours.
     *
     * @throws InvalidSpecException if {@code length} is outside that range
     */
    public PostgresJournal withLease(Duration length) {
        if (length == null || length.compareTo(MIN_LEASE) < 0 || length.compareTo(MAX_LEASE) > 0) {
            throw new InvalidSpecException("Lease length " + length + " is out of range: give 1 second to 24 hours"
                    + " (default " + DEFAULT_LEASE + "); a holder renews it every third of that.");
        }
        return new PostgresJournal(connections, description, length);
    }

    /** The lease length of this journal's locks. */
    public Duration lease() {
        return lease;
    }

    @Override
    public void append(JournalEntry entry) {
        String id = MigrationIds.requireValid(entry.migrationId());
        String json = JournalEntries.toJson(entry);
        try (Connection c = open()) {
            c.setAutoCommit(false);
            try {
                Lease mine = held.get(id);
                if (mine != null) {
                    if (!mine.fence(c)) {
                        throw new JournalException("This process's lease on migration " + id + " in " + description
                                + " ran out and another process took it over; nothing more is written here. The"
                                + " migration continues in that process (see its journal).");
                    }
                } else {
                    refuseIfLeasedByAnother(c, id);
                }
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO pv2hvm_journal_entry (migration_id, entry) VALUES (?, ?::json)")) {
                    insert.setString(1, id);
                    insert.setString(2, json);
                    insert.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                quietly(c::rollback);
                throw e;
            } finally {
                quietly(() -> c.setAutoCommit(true)); // a pooled connection goes back as it came
            }
        } catch (SQLException e) {
            throw new JournalException("Cannot write the migration journal " + description + ": " + e.getMessage()
                    + ". The migration stops here; fix the database connection and resume it.", e);
        }
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    /** Cleans up after a failure without hiding it: a broken connection is discarded when closed. */
    private static void quietly(SqlAction action) {
        try {
            action.run();
        } catch (SQLException alsoBroken) {
            // the first error is the one to report
        }
    }

    /** An append without this process's lease is refused while another process holds one (it runs the migration). */
    private void refuseIfLeasedByAnother(Connection c, String id) throws SQLException {
        // FOR SHARE: a holder's takeover (which updates the row) waits until this append committed.
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pv2hvm_journal_lease WHERE migration_id = ?"
                + " AND expires_at > now() FOR SHARE")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
            }
        }
        JournalLockedException e = Lease.holderOf(c, id, description);
        if (e != null) {
            throw e;
        }
    }

    @Override
    public List<JournalEntry> read(String migrationId) {
        String id = MigrationIds.requireValid(migrationId);
        List<JournalEntry> entries = new ArrayList<>();
        try (Connection c = open();
             PreparedStatement q = c.prepareStatement(
                     "SELECT id, entry::text FROM pv2hvm_journal_entry WHERE migration_id = ? ORDER BY id")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    try {
                        entries.add(JournalEntries.fromJson(rs.getString(2)));
                    } catch (JournalException e) {
                        throw new JournalException("Entry " + rs.getLong(1) + " of migration " + id + " in the journal "
                                + description + " is damaged; it cannot be resumed automatically. Inspect the row.", e);
                    }
                }
            }
        } catch (SQLException e) {
            throw new JournalException("Cannot read the migration journal " + description + ": " + e.getMessage()
                    + ". Fix the database connection and retry.", e);
        }
        return entries;
    }

    /**
     * Takes the lease on {@code migrationId} and renews it until the returned lock is closed.
     *
     * @throws JournalLockedException if another process's lease on it has not run out
     */
    @Override
    public JournalLock lock(String migrationId) {
        String id = MigrationIds.requireValid(migrationId);
        try {
            ensureSchema();
            Lease l = Lease.acquire(connections, id, lease, renewer, description, released -> held.remove(id, released));
            held.put(id, l);
            return l;
        } catch (SQLException e) {
            throw new JournalException("Cannot lock migration " + id + " in the journal " + description + ": "
                    + e.getMessage() + ". Fix the database connection and retry.", e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /** A connection with the schema in place. */
    private Connection open() throws SQLException {
        ensureSchema();
        return connections.open();
    }

    private void ensureSchema() throws SQLException {
        if (!schemaReady) {
            synchronized (this) {
                if (!schemaReady) {
                    try (Connection c = connections.open()) {
                        Schema.migrate(c, description);
                    }
                    schemaReady = true;
                }
            }
        }
    }
}
