package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.MigrationCancelledException;
import io.pv2hvm.core.spi.Sleeper;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The cancellation state of one run, and waits that end early when it is cancelled. */
final class Cancellation {
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private volatile String migrationId;

    /** {@code migrationId} is the user's, or null until the journal gives the run its id. */
    Cancellation(String migrationId) {
        this.migrationId = migrationId;
    }

    /** Names the run once its id is known, for the cancellation message. */
    void identify(String id) {
        migrationId = id;
    }

    void cancel() {
        cancelled.countDown();
    }

    boolean isCancelled() {
        return cancelled.getCount() == 0;
    }

    void check() {
        if (isCancelled()) {
            throw new MigrationCancelledException(migrationId == null ? "(not yet journaled)" : migrationId);
        }
    }

    /**
     * Waits for {@code d}. With the real sleeper the wait ends as soon as the run is cancelled;
     * an injected sleeper (a test's fake time) is called once with the whole duration.
     */
    void sleep(Sleeper sleeper, Duration d) {
        check();
        try {
            if (sleeper == Sleeper.system()) {
                if (cancelled.await(d.toNanos(), TimeUnit.NANOSECONDS)) {
                    check();
                }
            } else {
                sleeper.sleep(d);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
        }
        check();
    }
}
