package io.pv2hvm.core.engine;

import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.MigrationFuture;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.MigrationPlan;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationOptions;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.RetryPolicy;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.ProvidedStep;
import io.pv2hvm.core.spi.RunEnvironment;
import io.pv2hvm.core.spi.RunSession;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class EngineTest {
    private static final String ID = "i-0123456789abcdef0";
    private static final String MIGRATION = "mig-engine-test";

    private final Recorder rec = new Recorder();
    private final InMemoryJournal journal = InMemoryJournal.create();
    private final FakeSleeper sleeper = new FakeSleeper();

    private MigrationSpec spec() {
        return Migration.of(ID).toHvm().withMigrationId(MIGRATION).withJournal(journal).withSleeper(sleeper)
                .withProvider(rec.onePerPhase());
    }

    @Test
    void run_runsStepsPhaseByPhase_withUserStepsBeforeAndAfterTheirPhase() {
        spec().withStepBefore(Phase.CUTOVER, rec.step("drain"))
                .withStepAfter(Phase.CUTOVER, rec.step("announce"))
                .withStepAfter(Phase.PREFLIGHT, rec.step("my-check"))
                .run();

        assertThat(rec.runs()).containsExactly("preflight", "my-check", "prepare", "convert", "register", "verify",
                "drain", "cutover", "announce", "confirm", "cleanup");
        assertThat(rec.undos()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, names = "CLEANUP", mode = EnumSource.Mode.EXCLUDE)
    void run_whenTheStepOfAPhaseFails_compensatesEveryStepThatRanInReverseOrder(Phase failing) {
        String failed = failing.name().toLowerCase();
        rec.when(failed, Recorder.fail("boom in " + failed));

        assertThatThrownBy(() -> spec().run())
                .isInstanceOfSatisfying(StepFailedException.class, e -> {
                    assertThat(e.step()).isEqualTo(failed);
                    assertThat(e.getMessage()).contains("boom in " + failed);
                });

        List<String> ran = rec.runs();
        List<String> expectedUndo = new ArrayList<>(ran);
        Collections.reverse(expectedUndo);
        assertThat(ran).last().isEqualTo(failed);
        assertThat(ran).hasSize(failing.ordinal() + 1);
        assertThat(rec.undos()).containsExactlyElementsOf(expectedUndo);
    }

    @Test
    void run_whenACleanupStepFails_keepsTheMigrationAndWarnsInsteadOfRollingBack() {
        rec.when("cleanup", Recorder.fail("snapshot in use"));

        MigrationResult r = spec().run();

        assertThat(rec.undos()).isEmpty();
        assertThat(r.warnings()).singleElement().asString().contains("cleanup", "snapshot in use", "sweep");
        assertThat(types()).endsWith(JournalEntry.Type.STEP_DONE, JournalEntry.Type.MIGRATION_SUCCEEDED);
    }

    @Test
    void run_whenAStepFails_neverCompensatesStepsThatNeverRan() {
        rec.when("convert", Recorder.fail("disk full"));

        StepFailedException e = (StepFailedException) catchThrowable(() -> spec().run());

        assertThat(rec.undos()).doesNotContain("register", "verify", "cutover", "cleanup");
        assertThat(e.rolledBack()).containsExactly("convert", "prepare", "preflight");
        assertThat(e.notRolledBack()).isEmpty();
        assertThat(types()).endsWith(JournalEntry.Type.STEP_COMPENSATED, JournalEntry.Type.MIGRATION_FAILED);
    }

    @Test
    void run_whenACompensationFails_continuesWithTheOthersAndSaysWhatIsLeft() {
        rec.when("register", Recorder.fail("image quota"));
        MigrationSpec spec = spec().withStepAfter(Phase.PREPARE, new io.pv2hvm.core.spi.Step() {
            @Override
            public String name() {
                return "sticky";
            }

            @Override
            public void run(StepContext context) {
            }

            @Override
            public void compensate(StepContext context) {
                throw new MigrationException("volume vol-0aaa is still attached");
            }
        });

        StepFailedException e = (StepFailedException) catchThrowable(spec::run);

        assertThat(rec.undos()).containsExactly("register", "convert", "prepare", "preflight");
        assertThat(e.notRolledBack()).singleElement().asString().contains("sticky", "vol-0aaa");
        assertThat(e.getMessage()).contains("NOT rolled back", "vol-0aaa");
    }

    @Test
    void run_whenPreflightFindsBlockers_throwsThemUnwrappedAndRunsNothingElse() {
        rec.when("preflight", c -> {
            throw new PreflightException(ID, List.of(new Blocker("ROOT_PRODUCT_CODE", "vol-1 has a product code.",
                    "Clone the volume.")));
        });

        assertThatThrownBy(() -> spec().run()).isInstanceOf(PreflightException.class)
                .hasMessageContaining("ROOT_PRODUCT_CODE").hasMessageContaining("nothing was changed");
        assertThat(rec.runs()).containsExactly("preflight");
    }

    @Test
    void run_whenTwoProvidersClaimOneStepName_failsBeforeAnythingRunsOrIsJournaled() {
        MigrationSpec spec = spec().withProvider(rec.provider("other", Phase.CONVERT));

        assertThatThrownBy(spec::run).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("'convert' is claimed twice")
                .hasMessageContaining("provider 'test'").hasMessageContaining("provider 'other'");
        assertThat(rec.events).isEmpty();
        assertThat(journal.read("anything")).isEmpty();
    }

    @Test
    void run_whenAUserStepReusesAProviderStepName_failsLoudly() {
        assertThatThrownBy(() -> spec().withStepAfter(Phase.VERIFY, rec.step("cleanup")).run())
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("a user step");
        assertThat(rec.events).isEmpty();
    }

    @Test
    void run_whenNoProviderIsRegisteredOrFound_saysHowToAddOne() {
        assertThatThrownBy(() -> Migration.of(ID).toHvm().withJournal(journal).run())
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("withProvider");
    }

    @Test
    void retrying_whenTheNameMatchesNoStep_failsListingTheSteps() {
        assertThatThrownBy(() -> spec().withRetryPolicy("convrt", RetryPolicy.none()).run())
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("convrt").hasMessageContaining("convert");
        assertThat(rec.events).isEmpty();
    }

    @Test
    void run_retriesRetryableFailures_withThePolicysBackOff() {
        int[] calls = {0};
        rec.when("verify", c -> {
            if (++calls[0] < 3) {
                throw new MigrationException("ip 10.0.0.5 not free yet", null, true);
            }
        });

        spec().withRetryPolicy("verify", RetryPolicy.exponential(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10))).run();

        assertThat(calls[0]).isEqualTo(3);
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(rec.undos()).isEmpty();
    }

    @Test
    void retryRegistry_holdsEachStepsRetry_sharedByMigrationsWithAnEqualPolicy_andReplacedForAnotherPolicy() {
        int[] calls = {0};
        rec.when("verify", c -> {
            if (++calls[0] % 2 == 1) {
                throw new MigrationException("ip 10.0.0.5 not free yet", null, true);
            }
        });
        io.github.resilience4j.retry.RetryRegistry registry = io.github.resilience4j.retry.RetryRegistry.ofDefaults();
        RetryPolicy twice = RetryPolicy.fixed(2, Duration.ofSeconds(1));

        spec().withRetryRegistry(registry).withRetryPolicy("verify", twice).run();
        spec().withMigrationId(MIGRATION + "-2").withRetryRegistry(registry)
                .withRetryPolicy("verify", RetryPolicy.fixed(2, Duration.ofSeconds(1))).run();

        var verify = registry.find("verify").orElseThrow();
        assertThat(verify.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt())
                .as("both migrations' verify, retried once each, on one shared Retry").isEqualTo(2);
        assertThat(registry.find("prepare").orElseThrow().getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt())
                .isEqualTo(2);

        spec().withMigrationId(MIGRATION + "-3").withRetryRegistry(registry)
                .withRetryPolicy("verify", RetryPolicy.fixed(3, Duration.ofSeconds(1))).run();
        var replaced = registry.find("verify").orElseThrow();
        assertThat(replaced).as("another policy, another Retry").isNotSameAs(verify);
        assertThat(replaced.getRetryConfig().getMaxAttempts()).isEqualTo(3);
        assertThat(replaced.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void run_whenRetriesAreExhausted_failsAfterMaxAttemptsWithCappedWaits() {
        int[] calls = {0};
        rec.when("verify", c -> {
            calls[0]++;
            throw new MigrationException("still busy", null, true);
        });

        assertThatThrownBy(() -> spec().withRetryPolicy(RetryPolicy.exponential(4, Duration.ofSeconds(2), 3.0,
                Duration.ofSeconds(10))).run()).isInstanceOf(StepFailedException.class);

        assertThat(calls[0]).isEqualTo(4);
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(10));
    }

    @Test
    void run_neverRetriesAFailureThatIsNotRetryable() {
        int[] calls = {0};
        rec.when("convert", c -> {
            calls[0]++;
            throw new MigrationException("XFS cannot be converted in place");
        });

        assertThatThrownBy(() -> spec().withRetryPolicy(RetryPolicy.fixed(5, Duration.ofSeconds(1))).run())
                .isInstanceOf(StepFailedException.class);

        assertThat(calls[0]).isEqualTo(1);
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void run_buildsTheResultFromFactsTimingsAndResources() {
        rec.when("cutover", c -> {
            c.put(MigrationFacts.NEW_INSTANCE_ID, "i-0fedcba9876543210");
            c.put(MigrationFacts.IPS_BEFORE, List.of("10.0.0.5", "10.0.0.6"));
            c.put(MigrationFacts.IPS_AFTER, List.of("10.0.0.5", "10.0.0.6"));
            c.resourceCreated(new Resource("instance", "i-0fedcba9876543210", "new-instance"));
            c.warn("public IP 3.3.3.3 was auto-assigned and could not be kept");
        });
        rec.when("prepare", c -> c.resourceCreated(new Resource("volume", "vol-0abc", "scratch")));
        rec.when("cleanup", c -> c.resourceDeleted(new Resource("volume", "vol-0abc", "scratch")));

        MigrationResult r = spec().run();

        assertThat(r.newInstanceId()).isEqualTo("i-0fedcba9876543210");
        assertThat(r.ipsAfter()).containsExactly("10.0.0.5", "10.0.0.6");
        assertThat(r.timings()).extracting(t -> t.step()).containsExactly("preflight", "prepare", "convert",
                "register", "verify", "cutover", "confirm", "cleanup");
        assertThat(r.timings()).filteredOn(t -> t.downtime()).extracting(t -> t.step()).containsExactly("cutover");
        assertThat(r.downtime()).isEqualTo(r.timings().get(5).took());
        assertThat(r.warnings()).singleElement().asString().contains("3.3.3.3");
        assertThat(r.resourcesKept()).extracting(Resource::id).containsExactly("i-0fedcba9876543210");
        assertThat(r.toText()).contains("i-0fedcba9876543210", "10.0.0.5, 10.0.0.6", "downtime");
        assertThat(r.toJson()).contains("\"newInstanceId\" : \"i-0fedcba9876543210\"");
    }

    @Test
    void listeners_seeStartedFinishedResourcesAndWarnings_andAThrowingListenerChangesNothing() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        rec.when("prepare", c -> {
            c.progress(50, "half");
            c.resourceCreated(new Resource("snapshot", "snap-1", "trial"));
        });
        MigrationListener recording = event -> {
            if (event instanceof MigrationEvent.StepStarted e) {
                seen.add("start " + e.step());
            } else if (event instanceof MigrationEvent.StepProgress e) {
                seen.add("progress " + e.step() + " " + (int) e.percent());
            } else if (event instanceof MigrationEvent.ResourceCreated e) {
                seen.add("created " + e.resource().id());
            } else if (event instanceof MigrationEvent.StepFinished e) {
                seen.add("done " + e.step());
            }
        };
        MigrationListener throwing = event -> {
            if (event instanceof MigrationEvent.StepStarted) {
                throw new IllegalStateException("listener bug");
            }
        };

        spec().withListener(throwing).withListener(recording).run();

        assertThat(seen).containsSubsequence("start prepare", "progress prepare 50", "created snap-1", "done prepare",
                "start cleanup", "done cleanup");
    }

    @Test
    void listeners_hearTheMigrationStartBeforeItsStepsAndItsEndAfterThem_withTheErrorWhenItFailed() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        MigrationListener recording = event -> {
            if (event instanceof MigrationEvent.MigrationStarted) {
                seen.add("begin " + event.migrationId());
            } else if (event instanceof MigrationEvent.StepStarted e) {
                seen.add("start " + e.step());
            } else if (event instanceof MigrationEvent.StepCompensated e) {
                seen.add("undo " + e.step());
            } else if (event instanceof MigrationEvent.MigrationFinished e) {
                seen.add("end " + e.migrationId() + " "
                        + e.failure().map(error -> error.getClass().getSimpleName()).orElse("ok"));
            }
        };

        spec().withListener(recording).run();
        assertThat(seen).first().isEqualTo("begin " + MIGRATION);
        assertThat(seen).contains("start prepare").last().isEqualTo("end " + MIGRATION + " ok");

        seen.clear();
        rec.when("convert", Recorder.fail("disk full"));
        assertThatThrownBy(() -> spec().withMigrationId(MIGRATION + "-2").withListener(recording).run())
                .isInstanceOf(StepFailedException.class);
        assertThat(seen).containsSubsequence("begin " + MIGRATION + "-2", "start convert",
                "undo preflight", "end " + MIGRATION + "-2 StepFailedException");
        assertThat(seen).filteredOn(e -> e.startsWith("end ")).hasSize(1);
    }

    @Test
    void cleanupHooks_runOnSuccessInReverseStepOrder_beforeTheCleanupPhase_andAreJournaled() {
        rec.whenCleanedUp("prepare", c -> { }).whenCleanedUp("verify", c -> { }).whenCleanedUp("cutover", c -> { });

        MigrationResult result = spec().run();

        assertThat(rec.cleanups()).containsExactly("cutover", "verify", "prepare");
        int firstHook = rec.events.indexOf("cleanup:cutover");
        assertThat(rec.events.indexOf("run:confirm")).isLessThan(firstHook);
        assertThat(rec.events.indexOf("run:cleanup")).isGreaterThan(rec.events.indexOf("cleanup:prepare"));
        assertThat(journal.read(MIGRATION)).filteredOn(e -> e.type() == JournalEntry.Type.STEP_CLEANED_UP)
                .extracting(JournalEntry::step).containsExactly("cutover", "verify", "prepare");
        assertThat(result.timings()).extracting(t -> t.step()).containsExactly("preflight", "prepare", "convert",
                "register", "verify", "cutover", "confirm", "cleanup");
    }

    @Test
    void cleanupHooks_whenOneFails_warnAndTheOthersStillRun() {
        rec.whenCleanedUp("prepare", c -> { }).whenCleanedUp("verify", Recorder.fail("trial still there"));

        MigrationResult result = spec().run();

        assertThat(rec.cleanups()).containsExactly("verify", "prepare");
        assertThat(rec.undos()).isEmpty();
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("verify").contains("trial still there"));
    }

    @Test
    void cleanupHooks_failingOnceWithARetryableError_areRetriedUnderTheStepsPolicy_andSucceed() {
        int[] calls = {0};
        rec.whenCleanedUp("verify", c -> {
            if (++calls[0] == 1) {
                throw new MigrationException("RequestLimitExceeded", null, true);
            }
        });

        MigrationResult result = spec().withRetryPolicy("verify", RetryPolicy.fixed(3, Duration.ofSeconds(2))).run();

        assertThat(calls[0]).isEqualTo(2);
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(2));
        assertThat(result.warnings()).noneMatch(w -> w.contains("verify"));
        assertThat(journal.read(MIGRATION)).filteredOn(e -> e.type() == JournalEntry.Type.STEP_CLEANED_UP)
                .singleElement().satisfies(e -> {
                    assertThat(e.step()).isEqualTo("verify");
                    assertThat(e.data()).doesNotContainKey("error");
                });
    }

    @Test
    void cleanupHooks_failingPermanently_becomeAWarningAfterThePolicysAttempts() {
        int[] calls = {0};
        rec.whenCleanedUp("verify", c -> {
            calls[0]++;
            throw new MigrationException("RequestLimitExceeded", null, true);
        });

        MigrationResult result = spec().withRetryPolicy("verify", RetryPolicy.fixed(3, Duration.ofSeconds(2))).run();

        assertThat(calls[0]).isEqualTo(3);
        assertThat(rec.undos()).isEmpty();
        assertThat(result.warnings()).singleElement().asString().contains("verify", "RequestLimitExceeded", "sweep");
        assertThat(journal.read(MIGRATION)).filteredOn(e -> e.type() == JournalEntry.Type.STEP_CLEANED_UP)
                .singleElement().satisfies(e -> assertThat(e.data()).containsKey("error"));
    }

    @Test
    void cleanupHooks_neverRunWhenTheMigrationFails() {
        rec.whenCleanedUp("prepare", c -> { }).when("cutover", Recorder.fail("boom"));

        assertThatThrownBy(() -> spec().run()).isInstanceOf(StepFailedException.class);

        assertThat(rec.cleanups()).isEmpty();
        assertThat(rec.undos()).contains("prepare");
    }

    @Test
    void cleanupHooks_withoutACleanupPhase_runAtTheEnd() {
        rec.whenCleanedUp("prepare", c -> { });

        Migration.of(ID).toHvm().withMigrationId(MIGRATION).withJournal(journal).withSleeper(sleeper)
                .withProvider(rec.provider("test", Phase.PREFLIGHT, Phase.PREPARE, Phase.CONVERT)).run();

        assertThat(rec.events).endsWith("run:convert", "cleanup:prepare");
    }

    @Test
    void cleanupHooks_ofStepsWithoutOne_leaveTheJournalAsBefore() {
        spec().run();

        assertThat(journal.read(MIGRATION)).noneMatch(e -> e.type() == JournalEntry.Type.STEP_CLEANED_UP);
    }

    /** A provider whose sessions record their opening and closing (and whether they owned something that closed). */
    private StepProvider sessionRecording(List<String> log, String name, Phase... phases) {
        StepProvider steps = rec.provider(name, phases);
        return new StepProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<ProvidedStep> steps(MigrationOptions options) {
                return steps.steps(options);
            }

            @Override
            public RunSession open(MigrationOptions options, RunEnvironment environment) {
                log.add("open:" + name + ":" + environment.migrationId());
                return RunSession.of(steps.steps(options), () -> log.add("close-client:" + name),
                        () -> log.add("close-transport:" + name));
            }
        };
    }

    @Test
    void run_closesEverySession_onSuccessFailureAndCancel() throws Exception {
        List<String> ok = Collections.synchronizedList(new ArrayList<>());
        Migration.of(ID).toHvm().withMigrationId(MIGRATION).withJournal(journal).withSleeper(sleeper)
                .withProvider(sessionRecording(ok, "test", Phase.PREPARE))
                .withProvider(sessionRecording(ok, "second", Phase.CUTOVER)).run();
        assertThat(ok).containsExactly("open:test:" + MIGRATION, "open:second:" + MIGRATION,
                "close-transport:second", "close-client:second", "close-transport:test", "close-client:test");

        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        rec.when("convert", Recorder.fail("boom"));
        assertThatThrownBy(() -> Migration.of(ID).toHvm().withMigrationId("mig-engine-failed").withJournal(journal)
                .withSleeper(sleeper).withProvider(sessionRecording(failed, "test", Phase.values())).run())
                .isInstanceOf(StepFailedException.class);
        assertThat(failed).containsExactly("open:test:mig-engine-failed", "close-transport:test", "close-client:test");

        List<String> cancelled = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        rec.when("convert", c -> {
            waiting.countDown();
            c.sleep(Duration.ofMinutes(10));
        });
        MigrationFuture future = Migration.of(ID).toHvm().withMigrationId("mig-engine-cancelled").withJournal(journal)
                .withProvider(sessionRecording(cancelled, "test", Phase.values())).runAsync();
        assertThat(waiting.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        future.cancel(true);
        future.stopped().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(future).isCancelled();
        assertThat(cancelled).containsExactly("open:test:mig-engine-cancelled", "close-transport:test",
                "close-client:test");
    }

    @Test
    void run_whenAStepCrashesTheRun_stillClosesTheSession() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        rec.when("verify", c -> {
            throw new Recorder.SimulatedCrash();
        });

        assertThatThrownBy(() -> Migration.of(ID).toHvm().withMigrationId(MIGRATION).withJournal(journal)
                .withSleeper(sleeper).withProvider(sessionRecording(log, "test", Phase.values())).run())
                .isInstanceOf(Recorder.SimulatedCrash.class);
        assertThat(log).endsWith("close-transport:test", "close-client:test");
    }

    @Test
    void plan_opensNoSession() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());

        MigrationPlan plan = Migration.of(ID).toHvm().withProvider(sessionRecording(log, "test", Phase.values())).plan();

        assertThat(plan.steps()).hasSize(Phase.values().length);
        assertThat(log).isEmpty();
    }

    @Test
    void runSession_closesWhatItOwnsOnce_andKeepsClosingPastAFailure() {
        List<String> log = new ArrayList<>();
        RunSession session = RunSession.of(List.of(), () -> log.add("first"), () -> {
            throw new IllegalStateException("broken");
        }, () -> log.add("last"));

        session.close();
        session.close();

        assertThat(log).containsExactly("last", "first");
    }

    @Test
    void timings_comeFromTheRunsClock() {
        java.time.Instant t0 = java.time.Instant.parse("2031-01-01T00:00:00Z");
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        java.time.Clock minutePerRead = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return t0.plus(Duration.ofMinutes(reads.getAndIncrement()));
            }
        };

        MigrationResult result = spec().withClock(minutePerRead).run();

        // Each step reads the clock when it starts and when it ends; nothing in between here.
        assertThat(result.timings()).allSatisfy(t -> assertThat(t.took()).isEqualTo(Duration.ofMinutes(1)));
        assertThat(result.total()).isGreaterThan(Duration.ofMinutes(result.timings().size()));
    }

    @Test
    void spec_isImmutable_eachChangeReturnsANewSpec() {
        MigrationSpec base = Migration.of(ID).toHvm();
        MigrationSpec changed = base.preservingIps().withInstanceType("m5.large");

        assertThat(base.options().preservingIps()).isFalse();
        assertThat(base.options().instanceType()).isEmpty();
        assertThat(changed.options().preservingIps()).isTrue();
        assertThat(changed.options().instanceType()).contains("m5.large");
    }

    private List<JournalEntry.Type> types() {
        return journal.read(MIGRATION).stream().map(JournalEntry::type).toList();
    }
}
