package io.pv2hvm.core.spi;

import io.pv2hvm.core.internal.engine.OwnedSession;

import java.util.List;

/**
 * One run's steps from one provider, together with what they hold open (transports, SSH or SDK
 * clients the provider created for this run). The engine opens a session per provider in
 * {@code run()} only, never in {@code plan()}, and closes it in a {@code finally} whether the
 * run succeeds, fails or is cancelled.
 */
public interface RunSession extends AutoCloseable {

    /** The steps of this run, in execution order within each phase. */
    List<ProvidedStep> steps();

    /** Releases what the session holds. Idempotent; never throws (a failure is logged and closing goes on). */
    @Override
    void close();

    /**
     * A session of {@code steps} that closes {@code owned} in reverse order (the last opened
     * first), once; a failure to close one is logged and the others are still closed.
     */
    static RunSession of(List<ProvidedStep> steps, AutoCloseable... owned) {
        return new OwnedSession(steps, List.of(owned));
    }
}
