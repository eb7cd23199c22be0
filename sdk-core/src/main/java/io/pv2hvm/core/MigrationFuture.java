package io.pv2hvm.core;

import java.util.concurrent.CompletableFuture;

/**
 * The pending result of {@code runAsync()}. Cancelling it asks the migration to stop at its next
 * safe point and roll back; the future is cancelled at once, and {@link #stopped()} completes
 * when the rollback is over.
 */
public final class MigrationFuture extends CompletableFuture<MigrationResult> {
    private final Runnable requestCancel;
    private final CompletableFuture<Void> stopped;

    /**
     * For the engine: {@code requestCancel} asks the running migration to stop at its next safe
     * point; {@code stopped} completes when the engine's thread is done.
     */
    public MigrationFuture(Runnable requestCancel, CompletableFuture<Void> stopped) {
        this.requestCancel = requestCancel;
        this.stopped = stopped;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        // Cancel the future first, so the engine's own exceptional completion cannot win the race.
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        requestCancel.run();
        return cancelled;
    }

    /** Completes when the migration's thread has finished, including any rollback after a cancel. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
