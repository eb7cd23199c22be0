package io.pv2hvm.postgres;

import io.pv2hvm.testkit.junit5.LabExtension;
import io.pv2hvm.testkit.postgres.PrivatePostgres;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A schema of its own on this JVM's {@link PrivatePostgres} for each test; the password goes in as PGPASSWORD. */
final class PostgresDatabase {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    final PrivatePostgres server;
    final String url;

    private PostgresDatabase(PrivatePostgres server, String url) {
        this.server = server;
        this.url = url;
    }

    /** Skips (or fails, with -Dpv2hvm.lab.required=true) without PostgreSQL; else a fresh, empty schema. */
    static PostgresDatabase fresh(String prefix) {
        LabExtension.assumeAvailable("PostgreSQL test server", PrivatePostgres.missing());
        PrivatePostgres server = PrivatePostgres.shared();
        String schema = prefix + "_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        return new PostgresDatabase(server, server.newSchema(schema));
    }

    /** The environment a process connecting to it has. */
    Map<String, String> env() {
        return Map.of("PGPASSWORD", server.password());
    }

    /** A new journal instance on this schema, as another process would open it. */
    PostgresJournal journal() {
        return PostgresJournal.connect(url, env());
    }

    /** Runs {@code sql} as the superuser in this test's schema; returns psql's unaligned output. */
    String sql(String sql) {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        return server.admin("SET search_path TO " + schema + "; " + sql, PrivatePostgres.DATABASE).strip();
    }
}
