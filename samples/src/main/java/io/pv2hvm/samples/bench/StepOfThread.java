package io.pv2hvm.samples.bench;

import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationListener;

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
    public void onEvent(MigrationEvent event) {
        if (event instanceof MigrationEvent.StepStarted started) {
            current.set(started.step());
        } else if (event instanceof MigrationEvent.StepFinished
                || event instanceof MigrationEvent.StepFailed
                || event instanceof MigrationEvent.MigrationFinished) {
            current.remove();
        }
    }

    /** The step the calling thread runs, or {@link #NONE}. */
    public String get() {
        String step = current.get();
        return step == null ? NONE : step;
    }
}
