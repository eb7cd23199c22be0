package io.pv2hvm.aws.internal;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;

import java.time.Duration;

/**
 * One Resilience4j {@link RateLimiter} standing in for one token bucket. Resilience4j hands out
 * {@code limitForPeriod} permits per refresh period and never accumulates more, so the burst it
 * allows is {@code limitForPeriod}: one EC2 second's worth of permits, at least 1 and at most half
 * the bucket's capacity, and the period is chosen so that the sustained rate is exactly the given
 * rate. Half a bucket stays free for requests that the network or a busy machine delays and then
 * delivers together with the next period's: however permits bunch up on the way, the bucket holds
 * them as long as no request is late by more than (capacity - burst) / rate.
 * On a scaled clock (an emulator whose EC2 second lasts {@code timeScale} real seconds) the period
 * shrinks by the time scale and the burst stays the same. Thread-safe; waiting callers are served
 * in the order they reserved a permit.
 */
public final class CategoryLimiter {
    private final RateLimiter limiter;
    private final double permitsPerSecond;
    private final int burst;

    /**
     * @param registry            where the limiter is created (under {@code name}), for metrics
     * @param name                a name for the limiter (its category)
     * @param capacity            the bucket's capacity: the burst is at most half of it
     * @param ec2PermitsPerSecond the sustained rate, per EC2 second
     * @param timeScale           real seconds per EC2 second (1 against AWS)
     * @param maxWait             how long one caller may wait for a permit, in real time
     */
    public CategoryLimiter(RateLimiterRegistry registry, String name, int capacity, double ec2PermitsPerSecond,
                           double timeScale, Duration maxWait) {
        if (!(ec2PermitsPerSecond > 0) || Double.isInfinite(ec2PermitsPerSecond)) {
            throw new IllegalArgumentException("permits per second must be positive and finite: " + ec2PermitsPerSecond);
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("time scale must be positive and finite: " + timeScale);
        }
        this.permitsPerSecond = ec2PermitsPerSecond / timeScale;
        // One EC2 second's worth of permits per period (at least 1, at most half the bucket), so
        // short bursts pass without waiting while the long-run rate stays exact.
        this.burst = (int) Math.max(1, Math.min(capacity / 2, Math.floor(ec2PermitsPerSecond)));
        long periodNanos = Math.max(1, Math.round(burst / permitsPerSecond * 1e9));
        this.limiter = registry.rateLimiter(name, RateLimiterConfig.custom()
                .limitForPeriod(burst)
                .limitRefreshPeriod(Duration.ofNanos(periodNanos))
                .timeoutDuration(maxWait)
                .build());
    }

    /**
     * Waits for a permit.
     *
     * @return true with a permit; false when none came within the maximum wait or the thread was
     *         interrupted (its interrupt flag is then set)
     */
    public boolean acquire() {
        return limiter.acquirePermission();
    }

    /** The sustained rate, permits per real second. */
    public double permitsPerSecond() {
        return permitsPerSecond;
    }

    /** The most permits handed out at once. */
    public int burst() {
        return burst;
    }
}
