package io.pv2hvm.samples.bench;

import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationListener;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet run over time, for its report: when each migration ran (from its first step's start to
 * its last step's end, as its listener heard them) and when calls waited for a rate-limit permit
 * ({@link #waited}, fed by {@code Ec2RateLimits.onWait}). Thread-safe.
 */
public final class FleetActivity implements MigrationListener {
    /** When one migration ran. */
    public record Interval(String migrationId, Instant start, Instant end) {
    }

    /** One call's wait for a permit, which ended at {@code end}. */
    public record Wait(Instant end, String action, Duration waited) {
    }

    private final Clock clock;
    private final Map<String, Interval> runs = new LinkedHashMap<>();
    private final List<Wait> waits = new ArrayList<>();

    /** Activity on the system clock. */
    public FleetActivity() {
        this(Clock.systemUTC());
    }

    /** Activity on {@code clock}. */
    public FleetActivity(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onEvent(MigrationEvent event) {
        if (event instanceof MigrationEvent.StepStarted) {
            started(event.migrationId());
        } else if (event instanceof MigrationEvent.StepFinished
                || event instanceof MigrationEvent.StepFailed
                || event instanceof MigrationEvent.StepCompensated) {
            ended(event.migrationId());
        }
    }

    private synchronized void started(String migrationId) {
        Instant now = clock.instant();
        Interval run = runs.get(migrationId);
        runs.put(migrationId, new Interval(migrationId, run == null ? now : run.start(), now));
    }

    /** Records that a call of {@code action} waited {@code waited} for a permit, ending now. */
    public synchronized void waited(String action, Duration waited) {
        waits.add(new Wait(clock.instant(), action, waited));
    }

    private synchronized void ended(String migrationId) {
        Interval run = runs.get(migrationId);
        if (run != null) {
            runs.put(migrationId, new Interval(migrationId, run.start(), clock.instant()));
        }
    }

    /** When each migration ran, in the order they started. */
    public synchronized List<Interval> migrations() {
        return List.copyOf(runs.values());
    }

    /** The waits for a permit, in the order they ended. */
    public synchronized List<Wait> waits() {
        return List.copyOf(waits);
    }
}
