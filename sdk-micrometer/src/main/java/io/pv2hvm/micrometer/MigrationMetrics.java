package io.pv2hvm.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.Phase;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A {@link MigrationListener} that turns a migration's events into meters: step timers, the
 * downtime window, migrations running. One instance serves every migration of the process.
 * Thread-safe; each migration's events arrive on its own thread.
 */
final class MigrationMetrics implements MigrationListener {
    private final MeterRegistry registry;
    private final boolean migrationIdTags;
    private final LongSupplier nanoTime;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger inDowntime = new AtomicInteger();
    private final Map<String, RunState> runs = new ConcurrentHashMap<>();
    /** The phase of every step seen, for compensations (which name no phase). */
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();

    /** What one run needs remembered between its events. */
    private static final class RunState {
        final long start;
        final Map<String, Long> stepStarts = new ConcurrentHashMap<>();
        long downtimeStart = -1;
        long downtimeEnd = -1;
        boolean downtimeClosed;

        RunState(long start) {
            this.start = start;
        }
    }

    MigrationMetrics(MeterRegistry registry, boolean migrationIdTags, LongSupplier nanoTime) {
        this.registry = registry;
        this.migrationIdTags = migrationIdTags;
        this.nanoTime = nanoTime;
        Gauge.builder(Pv2hvmMeters.MIGRATIONS_RUNNING, running, AtomicInteger::get).strongReference(true)
                .description("pv2hvm migrations running in this process").register(registry);
        Gauge.builder(Pv2hvmMeters.MIGRATIONS_IN_DOWNTIME, inDowntime, AtomicInteger::get).strongReference(true)
                .description("pv2hvm migrations inside their downtime window (CUTOVER)").register(registry);
    }

    @Override
    public void onEvent(MigrationEvent event) {
        String id = event.migrationId();
        if (event instanceof MigrationEvent.MigrationStarted) {
            migrationStarted(id);
        } else if (event instanceof MigrationEvent.MigrationFinished e) {
            migrationFinished(id, e.failure().orElse(null));
        } else if (event instanceof MigrationEvent.StepStarted e) {
            stepStarted(id, e.step(), e.phase());
        } else if (event instanceof MigrationEvent.StepFinished e) {
            stepFinished(id, e.step(), e.took());
        } else if (event instanceof MigrationEvent.StepFailed e) {
            stepFailed(id, e.step(), e.cause());
        } else if (event instanceof MigrationEvent.StepCompensated e) {
            stepCompensated(id, e.step());
        }
    }

    private void migrationStarted(String migrationId) {
        running.incrementAndGet();
        runs.put(migrationId, new RunState(nanoTime.getAsLong()));
    }

    private void migrationFinished(String migrationId, Throwable error) {
        RunState run = runs.remove(migrationId);
        if (run == null) {
            return; // a listener added after the start has nothing to close
        }
        running.decrementAndGet();
        long now = nanoTime.getAsLong();
        String outcome = error == null ? Pv2hvmMeters.SUCCEEDED : Pv2hvmMeters.FAILED;
        synchronized (run) {
            if (run.downtimeStart >= 0 && !run.downtimeClosed) {
                // A failed migration's window lasts through its rollback, which brings the source back.
                closeDowntime(migrationId, run, error == null ? run.downtimeEnd : now, outcome);
            }
        }
        Timer.builder(Pv2hvmMeters.MIGRATION_DURATION).description("pv2hvm migration runs, start to end")
                .tags(withId(Tags.of(Pv2hvmMeters.OUTCOME, outcome), migrationId)).register(registry)
                .record(now - run.start, TimeUnit.NANOSECONDS);
    }

    private void stepStarted(String migrationId, String step, Phase phase) {
        phases.put(step, phase);
        RunState run = runs.get(migrationId);
        if (run == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        run.stepStarts.put(step, now);
        synchronized (run) {
            if (phase.downtime() && run.downtimeStart < 0) {
                run.downtimeStart = now;
                inDowntime.incrementAndGet();
            } else if (!phase.downtime() && run.downtimeStart >= 0 && !run.downtimeClosed) {
                closeDowntime(migrationId, run, run.downtimeEnd, Pv2hvmMeters.SUCCEEDED);
            }
        }
    }

    private void stepFinished(String migrationId, String step, Duration took) {
        stepEnded(migrationId, step, took.toNanos(), Pv2hvmMeters.SUCCEEDED);
    }

    private void stepFailed(String migrationId, String step, Throwable cause) {
        RunState run = runs.get(migrationId);
        Long start = run == null ? null : run.stepStarts.get(step);
        stepEnded(migrationId, step, start == null ? 0 : nanoTime.getAsLong() - start, Pv2hvmMeters.FAILED);
    }

    private void stepCompensated(String migrationId, String step) {
        Counter.builder(Pv2hvmMeters.STEP_COMPENSATIONS).description("pv2hvm steps rolled back")
                .tags(withId(Tags.of(Pv2hvmMeters.STEP, step, Pv2hvmMeters.PHASE, phaseOf(step)), migrationId))
                .register(registry).increment();
    }

    private void stepEnded(String migrationId, String step, long nanos, String outcome) {
        Timer.builder(Pv2hvmMeters.STEP_DURATION).description("pv2hvm migration steps")
                .tags(withId(Tags.of(Pv2hvmMeters.STEP, step, Pv2hvmMeters.PHASE, phaseOf(step),
                        Pv2hvmMeters.OUTCOME, outcome), migrationId))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        RunState run = runs.get(migrationId);
        Phase phase = phases.get(step);
        if (run != null && phase != null && phase.downtime()) {
            synchronized (run) {
                run.downtimeEnd = nanoTime.getAsLong();
            }
        }
    }

    /** Records the window from its start to {@code end}; the caller holds the run's lock. */
    private void closeDowntime(String migrationId, RunState run, long end, String outcome) {
        run.downtimeClosed = true;
        inDowntime.decrementAndGet();
        long nanos = Math.max(0, (end < 0 ? nanoTime.getAsLong() : end) - run.downtimeStart);
        Timer.builder(Pv2hvmMeters.DOWNTIME).description("pv2hvm downtime windows (CUTOVER)")
                .tags(withId(Tags.of(Pv2hvmMeters.OUTCOME, outcome), migrationId)).register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private String phaseOf(String step) {
        Phase phase = phases.get(step);
        return phase == null ? "unknown" : phase.name().toLowerCase(Locale.ROOT);
    }

    private Tags withId(Tags tags, String migrationId) {
        return migrationIdTags ? tags.and(Pv2hvmMeters.MIGRATION_ID, migrationId) : tags;
    }
}
