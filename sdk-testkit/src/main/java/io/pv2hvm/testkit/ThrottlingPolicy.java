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
 * launched per second). Buckets refill on the emulator's clock without the latency time scale:
 * rates are requests per second as the client sees them. Immutable.
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
    private final Map<Category, Bucket> buckets;

    private ThrottlingPolicy(boolean enabled, Map<Category, Bucket> buckets) {
        this.enabled = enabled;
        this.buckets = Map.copyOf(buckets);
    }

    /** The documented default buckets, enabled. */
    public static ThrottlingPolicy documented() {
        Map<Category, Bucket> m = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            m.put(c, new Bucket(c.defaultCapacity, c.defaultRefill));
        }
        return new ThrottlingPolicy(true, m);
    }

    /** No throttling at all. */
    public static ThrottlingPolicy disabled() {
        return new ThrottlingPolicy(false, documented().buckets);
    }

    /** This policy with another bucket for one category. */
    public ThrottlingPolicy withBucket(Category category, int capacity, double refillPerSecond) {
        Map<Category, Bucket> m = new EnumMap<>(buckets);
        m.put(category, new Bucket(capacity, refillPerSecond));
        return new ThrottlingPolicy(enabled, m);
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
