package io.pv2hvm.testkit.internal.time;

import java.time.Clock;

/**
 * EC2's token bucket: holds at most {@code capacity} tokens, each request takes one, and
 * {@code refillPerSecond} tokens come back every second
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html).
 * Refill is continuous (fractional tokens) so counts are exact under a manual clock. An
 * infinite refill rate (a scaled clock at time scale 0) never runs dry.
 */
public final class TokenBucket {

    private final int capacity;
    private final double refillPerSecond;
    private final Clock clock;
    private double tokens;
    private long lastNanos;

    public TokenBucket(int capacity, double refillPerSecond, Clock clock) {
        this.capacity = capacity;
        this.refillPerSecond = refillPerSecond;
        this.clock = clock;
        this.tokens = capacity;
        this.lastNanos = nanos();
    }

    public synchronized boolean tryTake() {
        if (Double.isInfinite(refillPerSecond)) {
            return true;
        }
        long now = nanos();
        tokens = Math.min(capacity, tokens + (now - lastNanos) / 1e9 * refillPerSecond);
        lastNanos = now;
        if (tokens >= 1.0) {
            tokens -= 1.0;
            return true;
        }
        return false;
    }

    private long nanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
