package io.pv2hvm.core.spi;

import java.time.Duration;

/**
 * Waits. Injected so tests can replace real time with a fake one; never a global static.
 */
@FunctionalInterface
public interface Sleeper {
    /** Holder of the real sleeper, so that the engine can recognise it and wait cancellably instead. */
    final class SystemSleeper implements Sleeper {
        static final SystemSleeper INSTANCE = new SystemSleeper();

        private SystemSleeper() {
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            Thread.sleep(duration.toMillis());
        }
    }

    /** Blocks for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;

    /** The real sleeper: {@link Thread#sleep(long)}. Always the same instance. */
    static Sleeper system() {
        return SystemSleeper.INSTANCE;
    }
}
