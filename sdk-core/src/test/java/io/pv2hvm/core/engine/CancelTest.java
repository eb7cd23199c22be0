package io.pv2hvm.core.engine;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationFuture;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CancelTest {
    private static final String MIGRATION = "mig-cancel-test";

    @Test
    void cancel_duringAStepThatWaits_stopsAtTheSafePointAndCompensatesWhatRan() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        Recorder rec = new Recorder().when("verify", c -> {
            waiting.countDown();
            c.sleep(Duration.ofMinutes(10)); // e.g. polling for status checks
        });
        InMemoryJournal journal = InMemoryJournal.create();

        MigrationFuture future = Migration.of("i-0123456789abcdef0").toHvm().withMigrationId(MIGRATION)
                .withJournal(journal).withProvider(rec.onePerPhase()).runAsync();
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        future.cancel(true);
        future.stopped().get(10, TimeUnit.SECONDS);

        assertThat(future).isCancelled();
        assertThat(rec.runs()).containsExactly("preflight", "prepare", "convert", "register", "verify");
        assertThat(rec.undos()).containsExactly("verify", "register", "convert", "prepare", "preflight");
        assertThat(journal.read(MIGRATION)).last().extracting(JournalEntry::type)
                .isEqualTo(JournalEntry.Type.MIGRATION_FAILED);
    }

    @Test
    void cancel_theRollbackItStarts_canWaitAndCheck_likeTerminatingAWorkerDoes() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        Recorder rec = new Recorder().when("convert", c -> {
            waiting.countDown();
            c.sleep(Duration.ofMinutes(10));
        }).whenUndone("prepare", c -> {
            c.checkCancelled();
            c.sleep(Duration.ofMillis(1)); // e.g. waiting for the worker to terminate
        });
        InMemoryJournal journal = InMemoryJournal.create();

        MigrationFuture future = Migration.of("i-0123456789abcdef0").toHvm().withMigrationId(MIGRATION)
                .withJournal(journal).withProvider(rec.onePerPhase()).runAsync();
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        future.cancel(true);
        future.stopped().get(10, TimeUnit.SECONDS);

        assertThat(rec.undos()).containsExactly("convert", "prepare", "preflight");
        assertThat(journal.read(MIGRATION)).extracting(JournalEntry::type)
                .doesNotContain(JournalEntry.Type.COMPENSATION_FAILED).last()
                .isEqualTo(JournalEntry.Type.MIGRATION_FAILED);
    }

    @Test
    void cancel_betweenSteps_runsNoFurtherStep() throws Exception {
        CountDownLatch inConvert = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        Recorder rec = new Recorder().when("convert", c -> {
            inConvert.countDown();
            try {
                cancelled.await(10, TimeUnit.SECONDS); // a step that never checks: finishes its work first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        MigrationFuture future = Migration.of("i-0123456789abcdef0").toHvm().withMigrationId(MIGRATION)
                .withJournal(InMemoryJournal.create()).withProvider(rec.onePerPhase()).runAsync();
        assertThat(inConvert.await(10, TimeUnit.SECONDS)).isTrue();
        future.cancel(false);
        cancelled.countDown();
        future.stopped().get(10, TimeUnit.SECONDS);

        assertThat(rec.runs()).containsExactly("preflight", "prepare", "convert");
        assertThat(rec.undos()).containsExactly("convert", "prepare", "preflight");
        assertThatThrownBy(future::get).isInstanceOf(CancellationException.class);
    }

    @Test
    void cancel_ofAMigrationWithoutAGivenId_namesTheIdTheJournalGaveIt() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        Recorder rec = new Recorder().when("prepare", c -> {
            waiting.countDown();
            c.sleep(Duration.ofMinutes(10));
        });
        List<JournalEntry> entries = new CopyOnWriteArrayList<>();
        InMemoryJournal journal = InMemoryJournal.create();
        Journal recording = new Journal() {
            @Override
            public void append(JournalEntry entry) {
                entries.add(entry);
                journal.append(entry);
            }

            @Override
            public List<JournalEntry> read(String migrationId) {
                return journal.read(migrationId);
            }

            @Override
            public String describe() {
                return "recording";
            }
        };

        MigrationFuture future = Migration.of("i-0123456789abcdef0").toHvm().withJournal(recording)
                .withProvider(rec.onePerPhase()).runAsync();
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        future.cancel(true);
        future.stopped().get(10, TimeUnit.SECONDS);

        String id = entries.get(0).migrationId();
        assertThat(id).startsWith("mig-");
        assertThat(entries).last().satisfies(e -> assertThat(e.data().toString())
                .contains("Migration " + id + " was cancelled").doesNotContain("Migration new"));
    }

    @Test
    void runAsync_whenAStepFails_completesExceptionallyWithTheStepFailure() {
        Recorder rec = new Recorder().when("register", Recorder.fail("no quota"));

        MigrationFuture future = Migration.of("i-0123456789abcdef0").toHvm().withMigrationId(MIGRATION)
                .withJournal(InMemoryJournal.create()).withProvider(rec.onePerPhase()).runAsync();

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(StepFailedException.class).hasMessageContaining("no quota");
    }
}
