package io.pv2hvm.samples.sandbox;

import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.Phase;
import io.pv2hvm.testkit.spi.BootHook;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The sandbox's real-time work, kept apart from the emulator's scaled EC2 latencies: when this
 * machine ran a worker command (the conversion on loop devices) or booted a guest in QEMU, when the
 * clients' API calls ran ({@link #apiCalls()}, an SDK interceptor), and when the migration's downtime
 * window (its CUTOVER steps) began and ended. Register it as a listener of the migration;
 * {@link #split(double)} then takes the window apart.
 */
public final class LocalWork implements MigrationListener {
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("pv2hvm.sandbox.callStarted");
    private final List<long[]> intervals = new ArrayList<>();
    private final List<long[]> calls = new ArrayList<>();
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

    /** An interceptor for the sandbox's EC2 and SSM clients that records each call's time, retries included. */
    public ExecutionInterceptor apiCalls() {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                attributes.putAttribute(STARTED, System.nanoTime());
            }

            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                call(attributes);
            }

            @Override
            public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
                call(attributes);
            }

            private void call(ExecutionAttributes attributes) {
                Long start = attributes.getAttribute(STARTED);
                if (start != null) {
                    synchronized (LocalWork.this) {
                        calls.add(new long[] {start, System.nanoTime()});
                    }
                }
            }
        };
    }

    @Override
    public synchronized void onEvent(MigrationEvent event) {
        if (event instanceof MigrationEvent.StepStarted started) {
            if (started.phase() == Phase.CUTOVER) {
                cutoverSteps.add(started.step());
                if (windowStart < 0) {
                    windowStart = System.nanoTime();
                }
            }
        } else if (event instanceof MigrationEvent.StepFinished finished) {
            if (cutoverSteps.contains(finished.step())) {
                windowEnd = System.nanoTime();
            }
        }
    }

    /** The last window's split at the emulator's {@code timeScale}, or null when no CUTOVER step ran. */
    public synchronized DowntimeSplit split(double timeScale) {
        if (windowStart < 0 || windowEnd < windowStart) {
            return null;
        }
        return DowntimeSplit.of(windowStart, windowEnd, intervals, calls, timeScale);
    }

    private synchronized void record(long start, long end) {
        intervals.add(new long[] {start, end});
    }
}
