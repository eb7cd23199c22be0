package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.SsmAction;

import java.util.Objects;
import java.util.Set;

/**
 * The request-rate throttling categories of the AWS actions pv2hvm calls, with the token bucket
 * AWS documents for each, and the one mapping from an action name to its category.
 *
 * <p>EC2 throttles requests per account and region with a token bucket per API action, sized by
 * the action's category (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html):
 * a full bucket allows a burst of {@link #documentedCapacity()} requests, and
 * {@link #documentedRefillPerSecond()} tokens come back each second. A refused request answers
 * {@code RequestLimitExceeded} (HTTP 503).
 *
 * <p>SSM publishes no request rate for Run Command ({@code SendCommand},
 * {@code GetCommandInvocation}, ...); {@link #SSM}'s 10 / 5 per second is a conservative guess,
 * well under the only SSM rate we found documented (Parameter Store's default throughput of 40
 * transactions per second).
 */
public enum ThrottlingCategory {
    /** Describe* and Get* with ids, filters or pagination: 100 tokens, 20 per second. */
    NON_MUTATING(100, 20),
    /** Describe* without ids, filters or MaxResults: 50 tokens, 10 per second. */
    UNFILTERED_NON_MUTATING(50, 10),
    /** Mutating actions not in another category (RegisterImage, StopInstances, AttachVolume...): 50 tokens, 5 per second. */
    MUTATING(50, 5),
    /** RunInstances and StartInstances: 5 tokens, 2 per second. */
    RUN_AND_START(5, 2),
    /** TerminateInstances, CreateSnapshot, CreateVolume, Delete*, Assign/UnassignPrivateIpAddresses: 100 tokens, 5 per second. */
    RESOURCE_CHANGING(100, 5),
    /** CreateTags: 100 tokens, 10 per second. */
    TAGGING(100, 10),
    /** SSM actions (Run Command, Parameter Store, instance information): 10 tokens, 5 per second (a conservative guess, see above). */
    SSM(10, 5);

    private static final Set<String> RUN_START = Set.of(Ec2Action.RUN_INSTANCES.awsName(),
            Ec2Action.START_INSTANCES.awsName());
    // Assign/UnassignPrivateIpAddresses have no Ec2Action: pv2hvm never calls them, but of(String)
    // also categorizes a caller's own SDK calls, so AWS's documented category stays complete.
    private static final Set<String> RESOURCE = Set.of(Ec2Action.TERMINATE_INSTANCES.awsName(),
            Ec2Action.CREATE_SNAPSHOT.awsName(), Ec2Action.CREATE_VOLUME.awsName(), "AssignPrivateIpAddresses",
            "UnassignPrivateIpAddresses");

    private final int capacity;
    private final double refillPerSecond;

    ThrottlingCategory(int capacity, double refillPerSecond) {
        this.capacity = capacity;
        this.refillPerSecond = refillPerSecond;
    }

    /** The documented bucket size: the longest burst a full bucket allows. */
    public int documentedCapacity() {
        return capacity;
    }

    /** The documented refill: tokens per second that come back to the bucket. */
    public double documentedRefillPerSecond() {
        return refillPerSecond;
    }

    /** Whether the category belongs to SSM rather than EC2. */
    public boolean ssm() {
        return this == SSM;
    }

    /**
     * The category of an action called with ids, filters or pagination (every call pv2hvm makes).
     *
     * @param action the API action as AWS names it, e.g. {@code RunInstances} or {@code SendCommand}
     */
    public static ThrottlingCategory of(String action) {
        return categorize(action, false);
    }

    /**
     * The category of an action called without ids, filters or MaxResults: EC2 throttles such a
     * Describe* harder ({@link #UNFILTERED_NON_MUTATING}); any other action is as {@link #of(String)}.
     *
     * @param action the API action as AWS names it
     */
    public static ThrottlingCategory ofUnfiltered(String action) {
        return categorize(action, true);
    }

    /** The category of {@code action}; {@code unfiltered}: a Describe* naming no ids, filters or MaxResults. */
    private static ThrottlingCategory categorize(String action, boolean unfiltered) {
        Objects.requireNonNull(action, "action");
        if (SsmAction.named(action).isPresent()) {
            return SSM;
        }
        if (action.startsWith("Describe") || action.startsWith("Get")) {
            return unfiltered && action.startsWith("Describe") ? UNFILTERED_NON_MUTATING : NON_MUTATING;
        }
        if (RUN_START.contains(action)) {
            return RUN_AND_START;
        }
        if (action.equals(Ec2Action.CREATE_TAGS.awsName())) {
            return TAGGING;
        }
        if (RESOURCE.contains(action) || action.startsWith("Delete")) {
            return RESOURCE_CHANGING;
        }
        return MUTATING;
    }
}
