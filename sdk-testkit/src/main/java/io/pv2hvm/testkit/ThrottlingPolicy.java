package io.pv2hvm.testkit;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * EC2 request-rate throttling: one token bucket per action (AWS evaluates each API
 * individually), sized by the action's category. Defaults are the documented bucket sizes
 * and refill rates (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html,
 * as digested in the team's field notes); each can be overridden with {@link #withBucket}.
 * Only request-rate buckets are modelled, not the separate resource-rate buckets (instances
 * launched per second).
 *
 * <p><b>Which clock the buckets refill on.</b> By default buckets refill on the emulator's clock
 * without the latency time scale: rates are requests per second as the client sees them, however
 * fast the emulator's {@link LatencyModel#timeScale() latencies} run. {@link #onScaledClock()}
 * opts in to refilling per <em>EC2</em> second instead, on the same scaled clock as the latencies:
 * a bucket's real refill is {@code refillPerSecond / timeScale} (at time scale 0.01, 20 per EC2
 * second is 2,000 per real second), so a run sees as many tokens per migration as it would on EC2.
 * Bucket sizes are not scaled. At time scale 0 (every transition instant) buckets on the scaled
 * clock never run dry. Immutable.
 */
public final class ThrottlingPolicy {

    /** Throttling categories of EC2 actions. */
    public enum Category {
        /** Describe and Get actions with ids, filters or pagination: 100 tokens, 20/s. */
        NON_MUTATING(100, 20),
        /** Describe* with no ids, no filters and no MaxResults: 50 tokens, 10/s. */
        UNFILTERED_NON_MUTATING(50, 10),
        /** Other mutating actions: 50 tokens, 5/s. */
        MUTATING(50, 5),
        /** RunInstances, StartInstances: 5 tokens, 2/s. */
        RUN_AND_START(5, 2),
        /** TerminateInstances, CreateSnapshot, CreateVolume, Delete*, Assign/UnassignPrivateIpAddresses: 100 tokens, 5/s. */
        RESOURCE_CHANGING(100, 5),
        /** CreateTags: 100 tokens, 10/s. */
        TAGGING(100, 10);

        private final int defaultCapacity;
        private final double defaultRefill;

        Category(int capacity, double refill) {
            this.defaultCapacity = capacity;
            this.defaultRefill = refill;
        }
    }

    /** Size and refill rate of one bucket. */
    public record Bucket(int capacity, double refillPerSecond) {
        /** Validates the bucket. */
        public Bucket {
            if (capacity < 1 || refillPerSecond < 0) {
                throw new IllegalArgumentException("bad bucket " + capacity + "/" + refillPerSecond);
            }
        }
    }

    private static final Set<String> RUN_START = Set.of("RunInstances", "StartInstances");
    private static final Set<String> RESOURCE = Set.of("TerminateInstances", "CreateSnapshot",
            "CreateVolume", "AssignPrivateIpAddresses", "UnassignPrivateIpAddresses");

    private final boolean enabled;
    private final boolean scaledClock;
    private final Map<Category, Bucket> buckets;

    private ThrottlingPolicy(boolean enabled, boolean scaledClock, Map<Category, Bucket> buckets) {
        this.enabled = enabled;
        this.scaledClock = scaledClock;
        this.buckets = Map.copyOf(buckets);
    }

    /** The documented default buckets, enabled. */
    public static ThrottlingPolicy documented() {
        Map<Category, Bucket> m = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            m.put(c, new Bucket(c.defaultCapacity, c.defaultRefill));
        }
        return new ThrottlingPolicy(true, false, m);
    }

    /** No throttling at all. */
    public static ThrottlingPolicy disabled() {
        return new ThrottlingPolicy(false, false, documented().buckets);
    }

    /** This policy with another bucket for one category. */
    public ThrottlingPolicy withBucket(Category category, int capacity, double refillPerSecond) {
        Map<Category, Bucket> m = new EnumMap<>(buckets);
        m.put(category, new Bucket(capacity, refillPerSecond));
        return new ThrottlingPolicy(enabled, scaledClock, m);
    }

    /**
     * This policy with buckets that refill per EC2 second on the emulator's scaled clock: the real
     * refill of each bucket is its {@code refillPerSecond} divided by the emulator's latency time
     * scale. Without it (the default) buckets refill per real second.
     */
    public ThrottlingPolicy onScaledClock() {
        return new ThrottlingPolicy(enabled, true, buckets);
    }

    /** True when buckets refill per EC2 second on the scaled clock (see {@link #onScaledClock()}). */
    public boolean refillsOnScaledClock() {
        return scaledClock;
    }

    /**
     * Tokens a category's bucket gets back per second of the emulator's clock, for an emulator
     * whose latencies run at {@code timeScale}: the bucket's refill, divided by {@code timeScale}
     * when the policy refills {@link #onScaledClock() on the scaled clock} (infinite at time scale 0).
     */
    public double refillPerClockSecond(Category category, double timeScale) {
        if (!(timeScale >= 0)) {
            throw new IllegalArgumentException("time scale must be >= 0: " + timeScale);
        }
        double refill = bucket(category).refillPerSecond();
        if (!scaledClock) {
            return refill;
        }
        return timeScale == 0 ? Double.POSITIVE_INFINITY : refill / timeScale;
    }

    /** True when requests are throttled. */
    public boolean enabled() {
        return enabled;
    }

    /** The bucket of a category. */
    public Bucket bucket(Category category) {
        return buckets.get(category);
    }

    /** The category of an EC2 action; {@code unfiltered} marks a Describe* without ids, filters or MaxResults. */
    public static Category categoryOf(String action, boolean unfiltered) {
        if (action.startsWith("Describe") || action.startsWith("Get")) {
            return unfiltered && action.startsWith("Describe") ? Category.UNFILTERED_NON_MUTATING : Category.NON_MUTATING;
        }
        if (RUN_START.contains(action)) {
            return Category.RUN_AND_START;
        }
        if (action.equals("CreateTags")) {
            return Category.TAGGING;
        }
        if (RESOURCE.contains(action) || action.startsWith("Delete")) {
            return Category.RESOURCE_CHANGING;
        }
        return Category.MUTATING;
    }
}
