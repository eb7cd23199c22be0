package io.pv2hvm.postgres;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.JournalLockedException;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.JournalLock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The lease within one JVM, each contender with its own journal instance and connections (as
 * separate processes have): racers get exactly one winner, a held lease is renewed, a lease that
 * ran out is taken over, and its old holder can then write nothing. Cross-process cases are in
 * {@link LeaseAcrossProcessesTest}.
 */
class PostgresLeaseTest {
    private static final String ID = "mig-lease";
    private PostgresDatabase db;

    @BeforeEach
    void freshSchema() {
        db = PostgresDatabase.fresh("lease");
    }

    private static JournalEntry fact(String key) {
        return new JournalEntry(Instant.parse("2026-11-21T07:00:00Z"), ID, JournalEntry.Type.FACT, "convert",
                Map.of("key", key, "value", "v"));
    }

    @Test
    void racers_forOneMigration_haveExactlyOneWinner_eachRound_alsoOverAnExpiredLease() throws Exception {
        int racers = 8;
        List<PostgresJournal> journals = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            journals.add(db.journal().withLease(Duration.ofSeconds(1)));
            journals.get(i).read(ID); // connected and schema in place: the race is only for the lease
        }
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            for (int round = 0; round < 6; round++) {
                if (round >= 3) {
                    // The row of the previous winner stays and runs out: racers now meet on an expired lease.
                    awaitExpiry();
                }
                CyclicBarrier start = new CyclicBarrier(racers);
                List<Future<JournalLock>> attempts = new ArrayList<>();
                for (PostgresJournal j : journals) {
                    attempts.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        try {
                            return j.lock(ID);
                        } catch (JournalLockedException refused) {
                            return null;
                        }
                    }));
                }
                List<JournalLock> won = new ArrayList<>();
                for (Future<JournalLock> f : attempts) {
                    JournalLock l = f.get(60, TimeUnit.SECONDS);
                    if (l != null) {
                        won.add(l);
                    }
                }
                assertThat(won).as("winners of round %d", round).hasSize(1);
                if (round < 3) {
                    won.get(0).close();
                } else {
                    abandon(won.get(0));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Stops the renewal of a lock without releasing it, as a holder that died would leave it. */
    private static void abandon(JournalLock lock) throws Exception {
        var renewal = lock.getClass().getDeclaredField("renewal");
        renewal.setAccessible(true);
        ((java.util.concurrent.ScheduledFuture<?>) renewal.get(lock)).cancel(false);
    }

    private void awaitExpiry() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!db.sql("SELECT count(*) FROM pv2hvm_journal_lease WHERE expires_at > now()").equals("0")) {
            assertThat(System.nanoTime()).as("the lease runs out").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void aHeldLease_isRenewed_andStaysRefusedToOthers_pastItsLength() throws Exception {
        PostgresJournal holder = db.journal().withLease(Duration.ofSeconds(1));
        try (JournalLock lock = holder.lock(ID)) {
            Instant firstExpiry = expiry();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!expiry().isAfter(firstExpiry.plusSeconds(1))) {
                assertThat(System.nanoTime()).as("the holder renews its lease").isLessThan(deadline);
                Thread.sleep(200);
            }
            JournalLockedException e = catchThrowableOfType(JournalLockedException.class, () -> db.journal().lock(ID));
            assertThat(e.leaseExpires()).isAfter(firstExpiry);
            assertThat(e.getMessage()).contains("lease runs out at").contains("pid " + ProcessHandle.current().pid());
            holder.append(fact("still-the-holder"));
        }
        assertThat(db.sql("SELECT count(*) FROM pv2hvm_journal_lease")).as("released on close").isEqualTo("0");
        assertThat(db.journal().read(ID)).hasSize(1);
    }

    private Instant expiry() {
        return Instant.parse(db.sql("SELECT to_char(expires_at AT TIME ZONE 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM pv2hvm_journal_lease WHERE migration_id = '" + ID + "'"));
    }

    @Test
    void aHolderCutOffPastItsLease_isTakenOver_andCanNoLongerWrite_norRenew() throws Exception {
        AtomicBoolean partitioned = new AtomicBoolean();
        PostgresJournal stalled = PostgresJournal.using(cutOffable(partitioned), "test database")
                .withLease(Duration.ofSeconds(1));
        JournalLock lock = stalled.lock(ID);
        stalled.append(fact("before-the-partition"));

        partitioned.set(true); // its renewals now fail, as over a broken network
        awaitExpiry();
        PostgresJournal other = db.journal();
        try (JournalLock taken = other.lock(ID)) {
            other.append(fact("by-the-new-holder"));
            partitioned.set(false);

            assertThatThrownBy(() -> stalled.append(fact("stale"))).isInstanceOf(JournalException.class)
                    .hasMessageContaining("lease on migration " + ID).hasMessageContaining("another process took it over");
            assertThat(other.read(ID)).extracting(e -> e.data().get("key"))
                    .containsExactly("before-the-partition", "by-the-new-holder");
            lock.close(); // deletes only its own lease: the new holder keeps its
            assertThat(catchThrowableOfType(JournalLockedException.class, () -> db.journal().lock(ID))).isNotNull();
        }
    }

    /** A DataSource whose connections fail while {@code partitioned} is set. */
    private DataSource cutOffable(AtomicBoolean partitioned) {
        PGSimpleDataSource real = new PGSimpleDataSource();
        real.setURL(db.url);
        real.setPassword(db.server.password());
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && partitioned.get()) {
                        throw new SQLException("Connection refused (test partition)", "08001");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void anAppendWithoutTheLease_whileAnotherHoldsIt_isRefused_andWritesNothing() {
        PostgresJournal holder = db.journal();
        try (JournalLock lock = holder.lock(ID)) {
            JournalLockedException e = catchThrowableOfType(JournalLockedException.class,
                    () -> db.journal().append(fact("intruder")));
            assertThat(e.migrationId()).isEqualTo(ID);
        }
        assertThat(db.journal().read(ID)).isEmpty();
    }

    @Test
    void badSettings_areRefusedWithTheFix_beforeAnyConnection() {
        for (Duration bad : new Duration[]{null, Duration.ZERO, Duration.ofMillis(999), Duration.ofHours(25)}) {
            assertThatThrownBy(() -> db.journal().withLease(bad)).as("%s", bad).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("1 second to 24 hours");
        }
        for (String url : List.of("postgresql://h/db", "jdbc:mysql://h/db?password=hunter2", "jdbc:postgresql:")) {
            assertThatThrownBy(() -> PostgresJournal.connect(url, Map.of())).as(url)
                    .isInstanceOf(InvalidSpecException.class).hasMessageContaining("jdbc:postgresql://HOST")
                    .message().doesNotContain("hunter2");
        }
    }

    @Test
    void aWrongPassword_failsTheOperation_namingTheJournalButNoPassword() {
        PostgresJournal journal = PostgresJournal.connect(db.url, Map.of("PGPASSWORD", "wrong-secret-123"));
        assertThat(journal.describe()).doesNotContain("user=").doesNotContain("?")
                .startsWith("jdbc:postgresql://127.0.0.1:" + db.server.port());
        assertThatThrownBy(() -> journal.read(ID)).isInstanceOf(JournalException.class)
                .hasMessageContaining(journal.describe()).hasMessageContaining("password authentication failed")
                .message().doesNotContain("wrong-secret-123");
        PostgresJournal inUrl = PostgresJournal.connect(db.url + "&password=" + db.server.password(), Map.of());
        assertThat(inUrl.describe()).doesNotContain(db.server.password());
        assertThat(inUrl.read(ID)).isEmpty();
    }
}
