package io.pv2hvm.core.engine;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.StepTiming;
import io.pv2hvm.core.journal.FileJournal;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A crash is simulated by an {@link Error} thrown from inside a step: the engine does not
 * compensate Errors, so the journal is left exactly as a killed process leaves it (the step
 * started, never done). A new engine with new step objects then resumes from the file journal.
 */
class ResumeTest {
    private static final String ID = "i-0123456789abcdef0";
    private static final String MIGRATION = "mig-resume-test";

    @TempDir
    Path dir;

    private MigrationSpec spec(Recorder rec, Journal journal) {
        return Migration.of(ID).toHvm().preservingIps().withMigrationId(MIGRATION).withJournal(journal)
                .withProvider(rec.onePerPhase());
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void resume_afterACrashInAnyStep_runsEachRemainingStepExactlyOnce(Phase crashIn) {
        Journal journal = FileJournal.in(dir);
        Recorder first = new Recorder().when(crashIn.name().toLowerCase(), c -> {
            throw new Recorder.SimulatedCrash();
        });
        assertThatThrownBy(() -> spec(first, journal).run()).isInstanceOf(Recorder.SimulatedCrash.class);
        assertThat(first.undos()).isEmpty();

        // A new process: new engine, new step objects, the same journal directory.
        Recorder second = new Recorder();
        MigrationResult result = Migration.resume(MIGRATION, FileJournal.in(dir)).withProvider(second.onePerPhase()).run();

        List<String> remaining = java.util.Arrays.stream(Phase.values()).skip(crashIn.ordinal())
                .map(p -> p.name().toLowerCase()).toList();
        assertThat(second.runs()).containsExactlyElementsOf(remaining);
        assertThat(second.undos()).isEmpty();
        assertThat(result.timings()).filteredOn(StepTiming::resumed).hasSize(crashIn.ordinal());
        assertThat(result.migrationId()).isEqualTo(MIGRATION);
    }

    @Test
    void resume_givesStepsTheFactsAnEarlierRunJournaled() {
        Journal journal = FileJournal.in(dir);
        Recorder first = new Recorder()
                .when("prepare", c -> c.put(io.pv2hvm.core.spi.FactKey.string("trial-snapshot"), "snap-0123"))
                .when("convert", c -> {
                    throw new Recorder.SimulatedCrash();
                });
        assertThatThrownBy(() -> spec(first, journal).run()).isInstanceOf(Recorder.SimulatedCrash.class);

        String[] seen = new String[1];
        Recorder second = new Recorder().when("convert", c -> seen[0] = c.find(io.pv2hvm.core.spi.FactKey.string("trial-snapshot")).orElse(null));
        Migration.resume(MIGRATION, FileJournal.in(dir)).withProvider(second.onePerPhase()).run();

        assertThat(seen[0]).isEqualTo("snap-0123");
    }

    @Test
    void cleanupHooks_runInReverseOnce_evenWhenResumed() {
        Recorder first = new Recorder().whenCleanedUp("prepare", c -> { }).whenCleanedUp("verify", c -> { })
                .when("cleanup", c -> {
                    throw new Recorder.SimulatedCrash();
                });
        assertThatThrownBy(() -> spec(first, FileJournal.in(dir)).run()).isInstanceOf(Recorder.SimulatedCrash.class);
        assertThat(first.cleanups()).containsExactly("verify", "prepare");

        Recorder second = new Recorder().whenCleanedUp("prepare", c -> { }).whenCleanedUp("verify", c -> { });
        Migration.resume(MIGRATION, FileJournal.in(dir)).withProvider(second.onePerPhase()).run();

        assertThat(second.runs()).containsExactly("cleanup");
        assertThat(second.cleanups()).isEmpty();
    }

    @Test
    void cleanupHooks_crashedBetweenTwoHooks_resumeRunsOnlyTheRest() {
        Recorder first = new Recorder().whenCleanedUp("prepare", c -> {
            throw new Recorder.SimulatedCrash();
        }).whenCleanedUp("verify", c -> { });
        assertThatThrownBy(() -> spec(first, FileJournal.in(dir)).run()).isInstanceOf(Recorder.SimulatedCrash.class);

        Recorder second = new Recorder().whenCleanedUp("prepare", c -> { }).whenCleanedUp("verify", c -> { });
        Migration.resume(MIGRATION, FileJournal.in(dir)).withProvider(second.onePerPhase()).run();

        assertThat(second.cleanups()).containsExactly("prepare");
        assertThat(second.runs()).containsExactly("cleanup");
    }

    /** A JSON fact's value type, as a step of the 0.1 fixture journaled it. */
    record Volume(String id, int size) {
    }

    @Test
    void resume_ofAV1Journal_readsStringFacts() throws Exception {
        java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        java.nio.file.Path file = FileJournal.in(dir).fileOf("mig-v1-fixture");
        try (java.io.InputStream in = ResumeTest.class.getResourceAsStream("/journals/v1-in-progress.jsonl")) {
            java.nio.file.Files.copy(in, file);
        }
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Object[] seen = new Object[5];
        Recorder second = new Recorder().when("convert", c -> {
            seen[0] = c.get(io.pv2hvm.core.spi.FactKey.bool("test.flag"));
            seen[1] = c.get(io.pv2hvm.core.spi.FactKey.strings("test.list"));
            seen[2] = c.get(io.pv2hvm.core.spi.FactKey.json("test.object", Volume.class));
            seen[3] = c.get(io.pv2hvm.core.spi.FactKey.string("test.list")); // the plain text, as 0.1 wrote it
            seen[4] = c.get(io.pv2hvm.core.spi.FactKey.string("test.object"));
        });

        MigrationResult result = Migration.resume("mig-v1-fixture", FileJournal.in(dir))
                .withProvider(second.onePerPhase()).run();

        assertThat(second.runs()).containsExactly("convert", "register", "verify", "cutover", "confirm", "cleanup");
        assertThat(seen).containsExactly(true, List.of("a", "b"), new Volume("vol-0123", 8), "a,b",
                "{\"id\":\"vol-0123\",\"size\":8}");
        assertThat(result.timings()).filteredOn(StepTiming::resumed).extracting(StepTiming::step)
                .containsExactly("preflight", "prepare");
    }

    @Test
    void typedFacts_areJournaledAsJsonBesideTheirPlainText_andAResumeReadsThem() {
        io.pv2hvm.core.spi.FactKey<List<String>> ips = io.pv2hvm.core.spi.FactKey.strings("test.ips");
        io.pv2hvm.core.spi.FactKey<Volume> volume = io.pv2hvm.core.spi.FactKey.json("test.volume", Volume.class);
        Recorder first = new Recorder()
                .when("prepare", c -> {
                    c.put(ips, List.of("10.0.0.5", "10.0.0.6"));
                    c.put(volume, new Volume("vol-0abc", 16));
                })
                .when("convert", c -> {
                    throw new Recorder.SimulatedCrash();
                });
        assertThatThrownBy(() -> spec(first, FileJournal.in(dir)).run()).isInstanceOf(Recorder.SimulatedCrash.class);

        List<JournalEntry> entries = FileJournal.in(dir).read(MIGRATION);
        assertThat(entries.get(0).data()).containsEntry("journalFormat", "2");
        assertThat(entries).filteredOn(e -> e.type() == JournalEntry.Type.FACT).extracting(JournalEntry::data)
                .containsExactly(
                        Map.of("key", "test.ips", "value", "10.0.0.5,10.0.0.6", "json", "[\"10.0.0.5\",\"10.0.0.6\"]"),
                        Map.of("key", "test.volume", "value", "{\"id\":\"vol-0abc\",\"size\":16}",
                                "json", "{\"id\":\"vol-0abc\",\"size\":16}"));

        Object[] seen = new Object[2];
        Recorder second = new Recorder().when("convert", c -> {
            seen[0] = c.get(ips);
            seen[1] = c.get(volume);
        });
        Migration.resume(MIGRATION, FileJournal.in(dir)).withProvider(second.onePerPhase()).run();

        assertThat(seen).containsExactly(List.of("10.0.0.5", "10.0.0.6"), new Volume("vol-0abc", 16));
    }

    @Test
    void resume_keepsAnAcceptedStackDrift() {
        Journal journal = FileJournal.in(dir);
        Recorder first = new Recorder().when("convert", c -> {
            throw new Recorder.SimulatedCrash();
        });
        assertThatThrownBy(() -> spec(first, journal).acceptingStackDrift().run())
                .isInstanceOf(Recorder.SimulatedCrash.class);

        boolean[] accepted = new boolean[1];
        Recorder second = new Recorder().when("convert", c -> accepted[0] = c.options().acceptingStackDrift());
        Migration.resume(MIGRATION, FileJournal.in(dir)).withProvider(second.onePerPhase()).run();

        assertThat(accepted[0]).isTrue();
    }

    @Test
    void resume_afterACrashDuringRollback_finishesTheRollbackOnly() {
        Journal journal = FileJournal.in(dir);
        Recorder first = new Recorder().when("register", Recorder.fail("quota"));
        assertThatThrownBy(() -> spec(first, journal).run()).isInstanceOf(StepFailedException.class);
        // Cut the journal back to just after the failure: as if the process died before compensating.
        List<JournalEntry> all = journal.read(MIGRATION);
        int failedAt = indexOf(all, JournalEntry.Type.STEP_FAILED);
        Journal truncated = io.pv2hvm.core.journal.InMemoryJournal.create();
        all.subList(0, failedAt + 1).forEach(truncated::append);

        Recorder second = new Recorder();
        assertThatThrownBy(() -> Migration.resume(MIGRATION, truncated).withProvider(second.onePerPhase()).run())
                .isInstanceOfSatisfying(StepFailedException.class,
                        e -> assertThat(e.rolledBack()).containsExactly("register", "convert", "prepare", "preflight"));
        assertThat(second.runs()).isEmpty();
    }

    @Test
    void resume_ofASucceededMigration_returnsItsResultAndRunsNothing() {
        Journal journal = FileJournal.in(dir);
        spec(new Recorder(), journal).run();

        Recorder second = new Recorder();
        MigrationResult r = Migration.resume(MIGRATION, journal).withProvider(second.onePerPhase()).run();

        assertThat(second.events).isEmpty();
        assertThat(r.migrationId()).isEqualTo(MIGRATION);
    }

    @Test
    void resume_ofAMigrationThatWasRolledBack_refusesAndRunsNothing() {
        Journal journal = FileJournal.in(dir);
        assertThatThrownBy(() -> spec(new Recorder().when("verify", Recorder.fail("boot failed")), journal).run())
                .isInstanceOf(StepFailedException.class);

        Recorder second = new Recorder();
        assertThatThrownBy(() -> Migration.resume(MIGRATION, journal).withProvider(second.onePerPhase()).run())
                .isInstanceOf(JournalException.class).hasMessageContaining("rolled back")
                .hasMessageContaining("Start a new migration");
        assertThat(second.events).isEmpty();
    }

    @Test
    void resume_ofAnUnknownMigration_saysThereIsNoJournal() {
        assertThatThrownBy(() -> Migration.resume("mig-nope", FileJournal.in(dir)))
                .isInstanceOf(JournalException.class).hasMessageContaining("No journal for migration 'mig-nope'");
    }

    @Test
    void resume_withTheJournalOfAnotherMigration_isRefused() {
        Journal foreign = new Journal() {
            @Override
            public void append(JournalEntry entry) {
                throw new AssertionError("must not write");
            }

            @Override
            public List<JournalEntry> read(String migrationId) {
                return List.of(new JournalEntry(Instant.now(), "mig-other", JournalEntry.Type.MIGRATION_STARTED, null,
                        Map.of("instanceId", ID)));
            }

            @Override
            public String describe() {
                return "a mixed-up store";
            }
        };
        assertThatThrownBy(() -> Migration.resume(MIGRATION, foreign)).isInstanceOf(JournalException.class)
                .hasMessageContaining("belongs to migration 'mig-other'");
    }

    @Test
    void resume_whenTheResumedSpecChangesAnOption_isRefusedBeforeRunning() {
        Journal journal = FileJournal.in(dir);
        Recorder first = new Recorder().when("verify", c -> {
            throw new Recorder.SimulatedCrash();
        });
        assertThatThrownBy(() -> spec(first, journal).run()).isInstanceOf(Recorder.SimulatedCrash.class);

        Recorder second = new Recorder();
        assertThatThrownBy(() -> Migration.resume(MIGRATION, journal).withInstanceType("m5.large")
                .withProvider(second.onePerPhase()).run())
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("cannot change");
        assertThat(second.events).isEmpty();
    }

    @Test
    void run_withTheIdOfAnExistingMigration_pointsToResume() {
        Journal journal = FileJournal.in(dir);
        spec(new Recorder(), journal).run();

        Recorder again = new Recorder();
        assertThatThrownBy(() -> spec(again, journal).run()).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("Migration.resume(\"" + MIGRATION + "\")");
        assertThat(again.events).isEmpty();
    }

    private static int indexOf(List<JournalEntry> entries, JournalEntry.Type type) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).type() == type) {
                return i;
            }
        }
        throw new AssertionError("no " + type);
    }
}
