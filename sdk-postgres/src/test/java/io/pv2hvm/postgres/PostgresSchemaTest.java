package io.pv2hvm.postgres;

import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.internal.Json;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.JournalLock;
import io.pv2hvm.postgres.internal.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal's tables are created on first use, migrated from an older version, and a newer one is refused. */
class PostgresSchemaTest {
    private PostgresDatabase db;

    @BeforeEach
    void freshSchema() {
        db = PostgresDatabase.fresh("schema");
    }

    private Connection connect() throws Exception {
        Properties p = new Properties();
        p.setProperty("password", db.server.password());
        return DriverManager.getConnection(db.url, p);
    }

    private static JournalEntry fact(String id, String key) {
        return new JournalEntry(Instant.parse("2026-11-21T07:00:00Z"), id, JournalEntry.Type.FACT, "prepare",
                Map.of("key", key, "value", "v"));
    }

    @Test
    void firstUse_ofAnEmptySchema_createsTheLatestVersion() {
        assertThat(db.sql("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"))
                .isEqualTo("0");

        assertThat(db.journal().read("mig-first-use")).isEmpty();

        assertThat(db.sql("SELECT string_agg(version::text, ',' ORDER BY version) FROM pv2hvm_schema_version"))
                .isEqualTo("1,2");
        assertThat(db.sql("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables"
                + " WHERE table_schema = current_schema()"))
                .isEqualTo("pv2hvm_journal_entry,pv2hvm_journal_lease,pv2hvm_schema_version");
    }

    @Test
    void aVersion1Database_withEntries_isMigratedOnFirstUse_keepsThem_andLeasesWork() throws Exception {
        try (Connection c = connect()) {
            Schema.migrateTo(c, 1, "test");
        }
        // Written as a version-1 pv2hvm wrote entries: no lease table existed yet.
        db.sql("INSERT INTO pv2hvm_journal_entry (migration_id, entry) VALUES ('mig-old', '"
                + Json.write(fact("mig-old", "a")) + "'::json), ('mig-old', '" + Json.write(fact("mig-old", "b"))
                + "'::json)");
        assertThat(db.sql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'pv2hvm_journal_lease'"
                + " AND table_schema = current_schema()")).isEqualTo("0");

        PostgresJournal journal = db.journal();
        try (JournalLock lock = journal.lock("mig-old")) {
            journal.append(fact("mig-old", "c"));
            assertThat(db.sql("SELECT count(*) FROM pv2hvm_journal_lease WHERE migration_id = 'mig-old'"))
                    .isEqualTo("1");
        }

        assertThat(journal.read("mig-old")).extracting(e -> e.data().get("key")).containsExactly("a", "b", "c");
        assertThat(db.sql("SELECT string_agg(version::text, ',' ORDER BY version) FROM pv2hvm_schema_version"))
                .isEqualTo("1,2");
    }

    @Test
    void aDatabaseMigratedByANewerPv2hvm_isRefused_andNothingIsReadOrChanged() {
        db.journal().append(fact("mig-newer", "a"));
        db.sql("INSERT INTO pv2hvm_schema_version (version) VALUES (" + (Schema.LATEST + 1) + ")");
        String before = db.sql("SELECT count(*) FROM pv2hvm_journal_entry");

        PostgresJournal journal = db.journal();
        assertThatThrownBy(() -> journal.read("mig-newer")).isInstanceOf(JournalException.class)
                .hasMessageContaining("schema version " + (Schema.LATEST + 1))
                .hasMessageContaining("newer than this pv2hvm knows (" + Schema.LATEST + ")")
                .hasMessageContaining("Nothing was read or changed");
        assertThatThrownBy(() -> journal.append(fact("mig-newer", "b"))).isInstanceOf(JournalException.class);
        assertThatThrownBy(() -> journal.lock("mig-newer")).isInstanceOf(JournalException.class);

        assertThat(db.sql("SELECT count(*) FROM pv2hvm_journal_entry")).isEqualTo(before);
        assertThat(db.sql("SELECT count(*) FROM pv2hvm_journal_lease")).isEqualTo("0");
    }

    @Test
    void manyFirstUsesAtOnce_createTheSchemaOnce() throws Exception {
        int n = 6;
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> uses = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = "k" + i;
                uses.add(pool.submit(() -> {
                    PostgresJournal journal = db.journal();
                    start.await(30, TimeUnit.SECONDS);
                    journal.append(fact("mig-first-uses", key));
                    return null;
                }));
            }
            for (Future<?> f : uses) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.sql("SELECT string_agg(version::text, ',' ORDER BY version) FROM pv2hvm_schema_version"))
                .isEqualTo("1,2");
        assertThat(db.journal().read("mig-first-uses")).hasSize(n);
    }
}
