package io.pv2hvm.core;

import java.time.Duration;

/**
 * How often and how patiently a step is retried, built on Resilience4j {@code Retry}. Only
 * failures whose {@link MigrationException#retryable()} is true are retried; everything else
 * fails the step at once. Immutable.
 *
 * <p>API-call retries (throttling, 5xx) belong to the AWS SDK client; a step policy covers
 * step-level transients such as an IP that is not yet released.
 */
public final class RetryPolicy {
    private final int maxAttempts;
    private final Duration initialWait;
    private final double multiplier;
    private final Duration maxWait;

    private RetryPolicy(int maxAttempts, Duration initialWait, double multiplier, Duration maxWait) {
        if (maxAttempts < 1) {
            throw new InvalidSpecException("A retry policy needs at least 1 attempt; got " + maxAttempts + ".");
        }
        if (initialWait.isNegative() || maxWait.compareTo(initialWait) < 0 || multiplier < 1.0) {
            throw new InvalidSpecException("Retry waits must be >= 0 and grow (multiplier >= 1, max >= initial); got "
                    + initialWait + " x" + multiplier + " up to " + maxWait + ".");
        }
        this.maxAttempts = maxAttempts;
        this.initialWait = initialWait;
        this.multiplier = multiplier;
        this.maxWait = maxWait;
    }

    /** One attempt, no retry. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO);
    }

    /** Up to {@code maxAttempts} attempts with the same wait between them. */
    public static RetryPolicy fixed(int maxAttempts, Duration wait) {
        return new RetryPolicy(maxAttempts, wait, 1.0, wait);
    }

    /** Up to {@code maxAttempts} attempts, waits growing from {@code initialWait} by {@code multiplier}, capped at {@code maxWait}. */
    public static RetryPolicy exponential(int maxAttempts, Duration initialWait, double multiplier, Duration maxWait) {
        return new RetryPolicy(maxAttempts, initialWait, multiplier, maxWait);
    }

    /** The default for steps: 3 attempts, 2 s then 4 s. */
    public static RetryPolicy defaultPolicy() {
        return exponential(3, Duration.ofSeconds(2), 2.0, Duration.ofSeconds(30));
    }

    /** The most attempts, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The wait after failed attempt {@code attempt} (1-based) before the next one. */
    public Duration waitAfterAttempt(int attempt) {
        double millis = initialWait.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(millis, maxWait.toMillis()));
    }

    /** Policies with the same attempts and waits are equal (so Resilience4j retries can be shared). */
    @Override
    public boolean equals(Object o) {
        return o instanceof RetryPolicy p && maxAttempts == p.maxAttempts && initialWait.equals(p.initialWait)
                && Double.compare(multiplier, p.multiplier) == 0 && maxWait.equals(p.maxWait);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(maxAttempts, initialWait, multiplier, maxWait);
    }

    @Override
    public String toString() {
        if (maxAttempts == 1) {
            return "no retry";
        }
        return maxAttempts + " attempts, wait " + initialWait + (multiplier > 1 ? " x" + multiplier + " up to " + maxWait : "");
    }
}
