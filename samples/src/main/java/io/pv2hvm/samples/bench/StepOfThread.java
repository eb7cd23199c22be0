package io.pv2hvm.samples.bench;

import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.Phase;

import java.time.Duration;

/**
 * The step each thread is running, as the migrations' listeners hear it (the engine tells its
 * listeners on the thread that runs the step), so a call can be put down to the step that made it.
 * Thread-safe.
 */
public final class StepOfThread implements MigrationListener {
    /** The step of a thread that runs none. */
    public static final String NONE = "-";

    private final ThreadLocal<String> current = new ThreadLocal<>();

    @Override
    public void stepStarted(String migrationId, String step, Phase phase) {
        current.set(step);
    }

    @Override
    public void stepFinished(String migrationId, String step, Duration took) {
        current.remove();
    }

    @Override
    public void stepFailed(String migrationId, String step, Throwable cause) {
        current.remove();
    }

    @Override
    public void migrationFinished(String migrationId, Throwable error) {
        current.remove();
    }

    /** The step the calling thread runs, or {@link #NONE}. */
    public String get() {
        String step = current.get();
        return step == null ? NONE : step;
    }
}
