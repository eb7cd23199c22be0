package io.pv2hvm.aws;

import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.pv2hvm.aws.internal.CategoryLimiter;
import io.pv2hvm.core.InvalidSpecException;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Client-side rate limits that keep pv2hvm under EC2's request-rate token buckets, so a fleet of
 * migrations waits its turn instead of being answered {@code RequestLimitExceeded}.
 *
 * <p>There is one limiter per {@link ThrottlingCategory}, matched to the category's documented
 * bucket (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html): its burst is
 * one second's worth of permits but at most half the bucket (the other half absorbs requests
 * that arrive late and bunched), and its sustained rate is the bucket's refill times a
 * {@linkplain #withHeadroom headroom} ({@value #DEFAULT_HEADROOM} by default), because the account's
 * buckets are shared with every other caller in the region (consoles, CI, other tools). EC2 gives
 * each action its own bucket; a limiter per category is deliberately stricter: all actions of a
 * category share one budget. SSM calls get a limiter too ({@link ThrottlingCategory#SSM}).
 *
 * <p>Every call of a migration whose {@link AwsSteps} were given these limits
 * ({@link AwsSteps.Builder#rateLimits}) takes a permit of its action's category first; a fleet
 * ({@link Migrations#fleet}) shares one instance among all its migrations. Give the same instance
 * to everything that shares the account's buckets. Each {@code with...} method returns a new,
 * independent set of limiters: configure first, then share. A permit covers one call as pv2hvm
 * makes it; the AWS SDK's own retries of that call (after a 5xx or a throttling answer) go out
 * without another permit, so a client with fewer retries keeps closer to the limits.
 *
 * <pre>{@code
 * Ec2RateLimits limits = Ec2RateLimits.documented().withHeadroom(0.5);   // leave half to others
 * AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).rateLimits(limits).build();
 * }</pre>
 *
 * <p>Against the emulator, whose EC2 seconds last {@code timeScale} real seconds, use
 * {@link #withTimeScale(double)}: rates are then per EC2 second. Thread-safe.
 */
public final class Ec2RateLimits {
    /** The share of each documented refill rate pv2hvm uses by default. */
    public static final double DEFAULT_HEADROOM = 0.8;
    /** How long one call waits for a permit by default, in EC2 time. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(15);

    private final boolean limited;
    private final Map<ThrottlingCategory, Bucket> buckets;
    private final double headroom;
    private final double timeScale;
    private final Duration maxWait;
    private final Map<ThrottlingCategory, CategoryLimiter> limiters;
    private final BiConsumer<String, Duration> onWait;
    private final RateLimiterRegistry registry = RateLimiterRegistry.ofDefaults();

    /**
     * One account bucket as pv2hvm should assume it.
     *
     * @param capacity        the bucket's size (the longest burst)
     * @param refillPerSecond tokens per EC2 second
     */
    public record Bucket(int capacity, double refillPerSecond) {
        /** Validates the bucket. */
        public Bucket {
            if (capacity < 1 || !(refillPerSecond > 0) || Double.isInfinite(refillPerSecond)) {
                throw new InvalidSpecException("A bucket needs a capacity of at least 1 and a positive, finite"
                        + " refill rate; got " + capacity + " tokens, " + refillPerSecond + " per second.");
            }
        }
    }

    private Ec2RateLimits(boolean limited, Map<ThrottlingCategory, Bucket> buckets, double headroom, double timeScale,
                          Duration maxWait, BiConsumer<String, Duration> onWait) {
        this.limited = limited;
        this.onWait = onWait;
        this.buckets = Collections.unmodifiableMap(new EnumMap<>(buckets));
        this.headroom = headroom;
        this.timeScale = timeScale;
        this.maxWait = maxWait;
        Map<ThrottlingCategory, CategoryLimiter> m = new EnumMap<>(ThrottlingCategory.class);
        if (limited) {
            Duration realMaxWait = Duration.ofNanos(Math.max(1, Math.round(maxWait.toNanos() * timeScale)));
            buckets.forEach((c, b) -> m.put(c, new CategoryLimiter(registry, "pv2hvm-" + c.name().toLowerCase(),
                    b.capacity(), b.refillPerSecond() * headroom, timeScale, realMaxWait)));
        }
        this.limiters = Collections.unmodifiableMap(m);
    }

    /** Limits at {@value #DEFAULT_HEADROOM} of every category's documented refill rate, in real time. */
    public static Ec2RateLimits documented() {
        return new Ec2RateLimits(true, documentedBuckets(), DEFAULT_HEADROOM, 1.0, DEFAULT_MAX_WAIT, null);
    }

    /** No client-side limits: every call goes at once (the SDK's retries are then the only defence). */
    public static Ec2RateLimits unlimited() {
        return new Ec2RateLimits(false, documentedBuckets(), DEFAULT_HEADROOM, 1.0, DEFAULT_MAX_WAIT, null);
    }

    private static Map<ThrottlingCategory, Bucket> documentedBuckets() {
        Map<ThrottlingCategory, Bucket> m = new EnumMap<>(ThrottlingCategory.class);
        for (ThrottlingCategory c : ThrottlingCategory.values()) {
            m.put(c, new Bucket(c.documentedCapacity(), c.documentedRefillPerSecond()));
        }
        return m;
    }

    /**
     * These limits using {@code fraction} of each bucket's refill rate.
     *
     * @param fraction in (0, 1]: 1 uses the whole documented rate, leaving nothing to other callers
     * @throws InvalidSpecException when {@code fraction} is outside (0, 1]
     */
    public Ec2RateLimits withHeadroom(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new InvalidSpecException("Headroom is the share of EC2's refill rate pv2hvm may use, in (0, 1];"
                    + " got " + fraction + ". Use e.g. 0.8 to leave a fifth to other callers.");
        }
        return new Ec2RateLimits(limited, buckets, fraction, timeScale, maxWait, onWait);
    }

    /**
     * These limits on a scaled clock: an EC2 second lasts {@code timeScale} real seconds (the
     * emulator's {@code LatencyModel.timeScale()}), so every rate is divided by {@code timeScale}
     * and the maximum wait multiplied by it. Bucket sizes do not change.
     *
     * @throws InvalidSpecException when {@code timeScale} is not positive and finite
     */
    public Ec2RateLimits withTimeScale(double timeScale) {
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new InvalidSpecException("A time scale is the real length of an EC2 second and must be positive;"
                    + " got " + timeScale + ". An emulator at time scale 0 needs no limits: use unlimited().");
        }
        return new Ec2RateLimits(limited, buckets, headroom, timeScale, maxWait, onWait);
    }

    /**
     * These limits assuming another bucket for one category, e.g. after AWS raised your account's
     * limit. The headroom still applies.
     *
     * @throws InvalidSpecException for a capacity under 1 or a refill rate that is not positive, or
     *                              on {@link #unlimited()} (start from {@link #documented()})
     */
    public Ec2RateLimits withBucket(ThrottlingCategory category, int capacity, double refillPerSecond) {
        Objects.requireNonNull(category, "category");
        if (!limited) {
            throw new InvalidSpecException("unlimited() has no buckets to change; start from"
                    + " Ec2RateLimits.documented().withBucket(...).");
        }
        Map<ThrottlingCategory, Bucket> m = new EnumMap<>(buckets);
        m.put(category, new Bucket(capacity, refillPerSecond));
        return new Ec2RateLimits(true, m, headroom, timeScale, maxWait, onWait);
    }

    /**
     * These limits with another maximum wait for one permit, in EC2 time (default
     * {@link #DEFAULT_MAX_WAIT}). A call that waits longer fails with a retryable
     * {@link AwsCallException}.
     *
     * @throws InvalidSpecException when {@code maxWait} is not positive
     */
    public Ec2RateLimits withMaxWait(Duration maxWait) {
        if (maxWait == null || maxWait.isNegative() || maxWait.isZero()) {
            throw new InvalidSpecException("The maximum wait for a permit must be positive; got " + maxWait + ".");
        }
        return new Ec2RateLimits(limited, buckets, headroom, timeScale, maxWait, onWait);
    }

    /**
     * The same limits with limiters of their own, full: for another account or region, whose EC2
     * buckets are separate from this one's. A fleet gives each account it assumes a role in one
     * ({@link FleetSpec#inAccount(String, String...)}).
     */
    public Ec2RateLimits copy() {
        return new Ec2RateLimits(limited, buckets, headroom, timeScale, maxWait, onWait);
    }

    /**
     * These limits, telling {@code listener} of every permit a call took: the action and how long
     * it waited for it (real time; a free permit still takes some microseconds), on the caller's
     * thread. For a picture of the
     * waits over time (the CLI's {@code --report}); copies ({@link #copy()}) tell the same
     * listener. A listener that throws does not fail the call.
     *
     * @throws InvalidSpecException when {@code listener} is null
     */
    public Ec2RateLimits onWait(BiConsumer<String, Duration> listener) {
        if (listener == null) {
            throw new InvalidSpecException("The wait listener must not be null.");
        }
        return new Ec2RateLimits(limited, buckets, headroom, timeScale, maxWait, listener);
    }

    /**
     * The Resilience4j {@code RateLimiter}s behind these limits, one per category named
     * {@code pv2hvm-<category>} (e.g. {@code pv2hvm-mutating}); empty for {@link #unlimited()}.
     * Bind it to see them in your metrics, e.g. with resilience4j-micrometer's
     * {@code TaggedRateLimiterMetrics.ofRateLimiterRegistry(limits.rateLimiterRegistry())}. Each
     * {@code with...} or {@link #copy()} has a registry of its own; do not add or replace limiters in it.
     */
    public RateLimiterRegistry rateLimiterRegistry() {
        return registry;
    }

    /** Whether calls are limited at all ({@code false} for {@link #unlimited()}). */
    public boolean limited() {
        return limited;
    }

    /** The bucket assumed for a category; empty when calls are not limited. */
    public Optional<Bucket> bucket(ThrottlingCategory category) {
        return limited ? Optional.of(buckets.get(category)) : Optional.empty();
    }

    /** The share of each refill rate used. */
    public double headroom() {
        return headroom;
    }

    /** Real seconds per EC2 second (1 unless {@link #withTimeScale}). */
    public double timeScale() {
        return timeScale;
    }

    /** The sustained rate of a category, permits per real second; infinite when unlimited. */
    public double permitsPerSecond(ThrottlingCategory category) {
        CategoryLimiter l = limiters.get(category);
        return l == null ? Double.POSITIVE_INFINITY : l.permitsPerSecond();
    }

    /**
     * Takes one permit for {@code action}, waiting as long as its category requires. Use it for
     * your own EC2 calls that share the account's budget with pv2hvm.
     *
     * @param action the API action, e.g. {@code DescribeInstances}
     * @return how long the caller waited
     * @throws AwsCallException (retryable) when no permit came within the maximum wait, or (not
     *                          retryable, interrupt flag set) when the thread was interrupted
     */
    public Duration acquire(String action) {
        ThrottlingCategory category = ThrottlingCategory.of(action);
        CategoryLimiter limiter = limiters.get(category);
        if (limiter == null) {
            return Duration.ZERO;
        }
        // The limiter (resilience4j) blocks this thread on real time, so its wait is measured on real time too.
        long start = System.nanoTime();
        boolean permitted = limiter.acquire();
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        if (!permitted) {
            if (Thread.currentThread().isInterrupted()) {
                throw new AwsCallException(action, null, "Interrupted while waiting for a permit to call " + action
                        + "; the call was not made.", null, false);
            }
            throw new AwsCallException(action, null, action + " waited " + maxWait + " (EC2 time) for a permit of"
                    + " pv2hvm's " + category + " rate limit and was not made. Too many calls share the limit: run"
                    + " fewer migrations at once (maxConcurrent), or raise Ec2RateLimits.withMaxWait.", null, true);
        }
        if (onWait != null && !waited.isZero()) {
            try {
                onWait.accept(action, waited);
            } catch (RuntimeException e) {
                // a listener's failure is not the call's
            }
        }
        return waited;
    }

    @Override
    public String toString() {
        if (!limited()) {
            return "Ec2RateLimits[unlimited]";
        }
        StringBuilder sb = new StringBuilder("Ec2RateLimits[headroom=" + headroom + ", timeScale=" + timeScale);
        limiters.forEach((c, l) -> sb.append(", ").append(c).append('=').append(l.burst()).append('/')
                .append(String.format(Locale.ROOT, "%.3g", l.permitsPerSecond())).append("s"));
        return sb.append(']').toString();
    }
}
