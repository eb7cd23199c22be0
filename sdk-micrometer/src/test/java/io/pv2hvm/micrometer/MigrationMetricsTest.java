package io.pv2hvm.micrometer;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.Phase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The listener's meters for the event sequences the engine fires, on a clock the test moves. */
class MigrationMetricsTest {
    private static final String MIG = "mig-20261205-170000-abc123";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong(1_000);
    private final MigrationMetrics metrics = new MigrationMetrics(registry, false, now::get);

    @Test
    void aSucceedingMigration_timesEachStepByPhaseAndOutcome_andItsDowntimeWindowFromFirstToLastCutoverStep() {
        metrics.onEvent(new MigrationEvent.MigrationStarted(MIG, Instant.EPOCH, false));
        assertThat(gauge(Pv2hvmMeters.MIGRATIONS_RUNNING)).isEqualTo(1);
        step("preflight", Phase.PREFLIGHT, 5);
        step("stop-source", Phase.CUTOVER, 20);
        assertThat(gauge(Pv2hvmMeters.MIGRATIONS_IN_DOWNTIME)).isEqualTo(1);
        step("launch-hvm-instance", Phase.CUTOVER, 30);
        now.addAndGet(Duration.ofSeconds(7).toNanos()); // between steps: still inside the window
        step("confirm", Phase.CONFIRM, 4);
        assertThat(gauge(Pv2hvmMeters.MIGRATIONS_IN_DOWNTIME)).isZero();
        metrics.onEvent(new MigrationEvent.MigrationFinished(MIG, Instant.EPOCH, Optional.empty()));

        assertThat(stepTimer("stop-source", "cutover", "succeeded").totalTime(TimeUnit.SECONDS)).isEqualTo(20);
        assertThat(stepTimer("preflight", "preflight", "succeeded").count()).isEqualTo(1);
        Timer downtime = registry.get(Pv2hvmMeters.DOWNTIME).tag(Pv2hvmMeters.OUTCOME, "succeeded").timer();
        assertThat(downtime.count()).isEqualTo(1);
        assertThat(downtime.totalTime(TimeUnit.SECONDS)).as("20 s + 30 s of cutover steps, not the gap after them")
                .isEqualTo(50);
        Timer migration = registry.get(Pv2hvmMeters.MIGRATION_DURATION).tag(Pv2hvmMeters.OUTCOME, "succeeded").timer();
        assertThat(migration.totalTime(TimeUnit.SECONDS)).isEqualTo(5 + 20 + 30 + 7 + 4);
        assertThat(gauge(Pv2hvmMeters.MIGRATIONS_RUNNING)).isZero();
        assertThat(registry.getMeters()).flatExtracting(m -> m.getId().getTags())
                .noneMatch(t -> t.getKey().equals(Pv2hvmMeters.MIGRATION_ID));
    }

    @Test
    void aMigrationFailingInCutover_countsTheFailedStepAndCompensations_andItsWindowLastsThroughTheRollback() {
        metrics.onEvent(new MigrationEvent.MigrationStarted(MIG, Instant.EPOCH, false));
        step("preflight", Phase.PREFLIGHT, 5);
        step("stop-source", Phase.CUTOVER, 20);
        metrics.onEvent(new MigrationEvent.StepStarted(MIG, Instant.EPOCH, "launch-hvm-instance", Phase.CUTOVER));
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        metrics.onEvent(new MigrationEvent.StepFailed(MIG, Instant.EPOCH, "launch-hvm-instance",
                new MigrationException("InsufficientInstanceCapacity", null, true)));
        metrics.onEvent(new MigrationEvent.StepCompensated(MIG, Instant.EPOCH, "stop-source"));
        metrics.onEvent(new MigrationEvent.StepCompensated(MIG, Instant.EPOCH, "preflight"));
        now.addAndGet(Duration.ofSeconds(11).toNanos()); // the rollback restarts the source
        metrics.onEvent(new MigrationEvent.MigrationFinished(MIG, Instant.EPOCH,
                Optional.of(new MigrationException("failed", null, false))));

        assertThat(stepTimer("launch-hvm-instance", "cutover", "failed").totalTime(TimeUnit.SECONDS)).isEqualTo(9);
        assertThat(registry.get(Pv2hvmMeters.STEP_COMPENSATIONS).tags(Pv2hvmMeters.STEP, "stop-source",
                Pv2hvmMeters.PHASE, "cutover").counter().count()).isEqualTo(1);
        Timer downtime = registry.get(Pv2hvmMeters.DOWNTIME).tag(Pv2hvmMeters.OUTCOME, "failed").timer();
        assertThat(downtime.totalTime(TimeUnit.SECONDS)).isEqualTo(20 + 9 + 11);
        assertThat(registry.get(Pv2hvmMeters.MIGRATION_DURATION).tag(Pv2hvmMeters.OUTCOME, "failed").timer().count())
                .isEqualTo(1);
        assertThat(gauge(Pv2hvmMeters.MIGRATIONS_RUNNING)).isZero();
        assertThat(gauge(Pv2hvmMeters.MIGRATIONS_IN_DOWNTIME)).isZero();
    }

    @Test
    void migrationIdTags_areOptIn() {
        MigrationMetrics tagging = new MigrationMetrics(registry, true, now::get);
        tagging.onEvent(new MigrationEvent.MigrationStarted(MIG, Instant.EPOCH, false));
        tagging.onEvent(new MigrationEvent.StepStarted(MIG, Instant.EPOCH, "stop-source", Phase.CUTOVER));
        tagging.onEvent(new MigrationEvent.StepFinished(MIG, Instant.EPOCH, "stop-source", Duration.ofSeconds(3)));
        tagging.onEvent(new MigrationEvent.MigrationFinished(MIG, Instant.EPOCH, Optional.empty()));

        assertThat(registry.get(Pv2hvmMeters.STEP_DURATION).tag(Pv2hvmMeters.MIGRATION_ID, MIG).timer().count())
                .isEqualTo(1);
        assertThat(registry.get(Pv2hvmMeters.DOWNTIME).tag(Pv2hvmMeters.MIGRATION_ID, MIG).timer().count())
                .isEqualTo(1);
    }

    @Test
    void twoMigrationsAtOnce_countTwoRunning() {
        metrics.onEvent(new MigrationEvent.MigrationStarted(MIG, Instant.EPOCH, false));
        metrics.onEvent(new MigrationEvent.MigrationStarted("mig-other", Instant.EPOCH, false));
        assertThat(gauge(Pv2hvmMeters.MIGRATIONS_RUNNING)).isEqualTo(2);
        metrics.onEvent(new MigrationEvent.MigrationFinished("mig-other", Instant.EPOCH, Optional.empty()));
        metrics.onEvent(new MigrationEvent.MigrationFinished("mig-unknown", Instant.EPOCH, Optional.empty()));
        assertThat(gauge(Pv2hvmMeters.MIGRATIONS_RUNNING)).as("an end never started counts nothing").isEqualTo(1);
    }

    private void step(String name, Phase phase, long seconds) {
        metrics.onEvent(new MigrationEvent.StepStarted(MIG, Instant.EPOCH, name, phase));
        now.addAndGet(Duration.ofSeconds(seconds).toNanos());
        metrics.onEvent(new MigrationEvent.StepFinished(MIG, Instant.EPOCH, name, Duration.ofSeconds(seconds)));
    }

    private Timer stepTimer(String step, String phase, String outcome) {
        return registry.get(Pv2hvmMeters.STEP_DURATION)
                .tags(Pv2hvmMeters.STEP, step, Pv2hvmMeters.PHASE, phase, Pv2hvmMeters.OUTCOME, outcome).timer();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }
}
