package io.pv2hvm.core.journal;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.JournalLockedException;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.JournalLock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What every {@link Journal} shared between runs must do, whatever it stores into: each
 * implementation's test extends this and says how to open its store. {@link #journal()} returns a
 * new instance on the same store each time, as a second process (or a resume) would open it.
 */
public abstract class JournalContract {
    private static final String ID = "mig-contract";

    /** A new journal instance on this test's store (the same store on every call within a test). */
    protected abstract Journal journal();

    private static JournalEntry entry(String migrationId, JournalEntry.Type type, String step, Map<String, String> data,
                                      int second) {
        return new JournalEntry(Instant.parse("2026-11-21T07:00:00.123456789Z").plusSeconds(second), migrationId, type,
                step, data);
    }

    @Test
    public void append_thenRead_returnsEqualEntriesInAppendOrder_fromAnotherInstanceToo() {
        Journal journal = journal();
        List<JournalEntry> written = new ArrayList<>();
        written.add(entry(ID, JournalEntry.Type.MIGRATION_STARTED, null, Map.of("instanceId", "i-0abc"), 0));
        for (int i = 0; i < 40; i++) {
            written.add(entry(ID, i % 2 == 0 ? JournalEntry.Type.STEP_STARTED : JournalEntry.Type.STEP_DONE,
                    "step-" + i / 2, Map.of("n", Integer.toString(i)), i + 1));
        }
        written.add(entry(ID, JournalEntry.Type.FACT, "convert", Map.of("key", "fstab", "value",
                "UUID=ab\tcd /data ext4 \"nofail\" \u00e9\u4e2d\n# line two\\ \u0000 \u001b[2J"), 99));
        written.forEach(journal::append);

        assertThat(journal.read(ID)).containsExactlyElementsOf(written);
        assertThat(journal().read(ID)).as("read by a new instance (another process)").containsExactlyElementsOf(written);
    }

    @Test
    public void read_ofAMigrationWithoutEntries_isEmpty() {
        assertThat(journal().read("mig-never-ran")).isEmpty();
    }

    @Test
    public void migrations_doNotSeeEachOthersEntries() {
        Journal journal = journal();
        journal.append(entry("mig-one", JournalEntry.Type.FACT, "s", Map.of("key", "a", "value", "1"), 0));
        journal.append(entry("mig-two", JournalEntry.Type.FACT, "s", Map.of("key", "b", "value", "2"), 1));
        journal.append(entry("mig-one", JournalEntry.Type.FACT, "s", Map.of("key", "c", "value", "3"), 2));

        assertThat(journal.read("mig-one")).extracting(e -> e.data().get("key")).containsExactly("a", "c");
        assertThat(journal.read("mig-two")).extracting(e -> e.data().get("key")).containsExactly("b");
    }

    @Test
    public void malformedMigrationIds_areRefusedByEveryOperation_andNothingIsWritten() {
        Journal journal = journal();
        for (String bad : List.of("../../etc/passwd", "MIG_1", "x", "mig'; DROP TABLE x; --")) {
            assertThatThrownBy(() -> journal.read(bad)).as(bad).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("is not a migration id");
            assertThatThrownBy(() -> journal.append(entry(bad, JournalEntry.Type.FACT, null, Map.of(), 0))).as(bad)
                    .isInstanceOf(InvalidSpecException.class);
            assertThatThrownBy(() -> journal.lock(bad)).as(bad).isInstanceOf(InvalidSpecException.class);
        }
        assertThat(journal.read(ID)).isEmpty();
    }

    @Test
    public void lock_isExclusive_acrossInstancesOnTheSameStore_untilClosed() {
        Journal first = journal();
        Journal second = journal();
        JournalLock held = first.lock(ID);

        for (Journal j : List.of(first, second)) {
            JournalLockedException e = catchThrowableOfType(JournalLockedException.class, () -> j.lock(ID));
            assertThat(e).as("a second holder while the first holds it").isNotNull();
            assertThat(e.migrationId()).isEqualTo(ID);
            assertThat(e.holderPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(e.getMessage()).contains("Nothing was changed");
        }
        try (JournalLock other = second.lock("mig-another-one")) {
            assertThat(other).as("another migration of the same journal is independent").isNotNull();
        }

        held.close();
        held.close(); // closing twice does nothing
        try (JournalLock again = second.lock(ID)) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    public void concurrentAppends_ofManyMigrations_areAllKept_eachInItsOrder() throws Exception {
        Journal journal = journal();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                String id = "mig-concurrent-" + m;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        journal.append(entry(id, JournalEntry.Type.FACT, "s", Map.of("key", "k", "value",
                                Integer.toString(i)), i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, List<String>> read = new HashMap<>();
        for (int m = 0; m < 4; m++) {
            read.put("mig-concurrent-" + m, journal.read("mig-concurrent-" + m).stream()
                    .map(e -> e.data().get("value")).toList());
        }
        List<String> expected = java.util.stream.IntStream.range(0, 15).mapToObj(Integer::toString).toList();
        assertThat(read).allSatisfy((id, values) -> assertThat(values).as(id).isEqualTo(expected));
    }

    @Test
    public void describe_namesTheStore() {
        assertThat(journal().describe()).isNotBlank();
    }
}
