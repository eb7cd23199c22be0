package io.pv2hvm.samples.sandbox;

import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.Phase;
import io.pv2hvm.testkit.spi.BootHook;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The sandbox's real-time work, kept apart from the emulator's scaled EC2 latencies: when this
 * machine ran a worker command (the conversion on loop devices) or booted a guest in QEMU, and when
 * the migration's downtime window (its CUTOVER steps) began and ended. Register it as a listener of
 * the migration; {@link #split(double)} then says how much of the window was local work.
 */
public final class LocalWork implements MigrationListener {
    private final List<long[]> intervals = new ArrayList<>();
    private final Set<String> cutoverSteps = new HashSet<>();
    private long windowStart = -1;
    private long windowEnd = -1;

    /** {@code executor}, with each command's run time recorded. */
    public SsmCommandExecutor timed(SsmCommandExecutor executor) {
        return command -> {
            long start = System.nanoTime();
            try {
                return executor.execute(command);
            } finally {
                record(start, System.nanoTime());
            }
        };
    }

    /** {@code hook}, with each boot's time recorded (boots run on background threads). */
    public BootHook timed(BootHook hook) {
        return request -> {
            long start = System.nanoTime();
            try {
                return hook.boot(request);
            } finally {
                record(start, System.nanoTime());
            }
        };
    }

    @Override
    public synchronized void stepStarted(String migrationId, String step, Phase phase) {
        if (phase == Phase.CUTOVER) {
            cutoverSteps.add(step);
            if (windowStart < 0) {
                windowStart = System.nanoTime();
            }
        }
    }

    @Override
    public synchronized void stepFinished(String migrationId, String step, Duration took) {
        if (cutoverSteps.contains(step)) {
            windowEnd = System.nanoTime();
        }
    }

    /** The last window's split at the emulator's {@code timeScale}, or null when no CUTOVER step ran. */
    public synchronized DowntimeSplit split(double timeScale) {
        if (windowStart < 0 || windowEnd < windowStart) {
            return null;
        }
        return DowntimeSplit.of(windowStart, windowEnd, intervals, timeScale);
    }

    private synchronized void record(long start, long end) {
        intervals.add(new long[] {start, end});
    }
}
