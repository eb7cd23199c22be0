package io.pv2hvm.samples.templates;

import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.List;
import java.util.Objects;

/**
 * A custom step for the end of CUTOVER: puts the new HVM instance into the load balancer the
 * source was drained from ({@link DrainFromLoadBalancer}). Rolled back, it takes it out again.
 */
public final class RejoinLoadBalancer implements Step {
    private final LoadBalancerMembership membership;

    /** A step registering the new instance with {@code membership}. */
    public RejoinLoadBalancer(LoadBalancerMembership membership) {
        this.membership = Objects.requireNonNull(membership);
    }

    @Override
    public String name() {
        return "rejoin-load-balancer";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Register the new HVM instance with the load balancer and wait until it is in"
                + " service", List.of(), List.of("load balancer membership of the new instance"));
    }

    @Override
    public void run(StepContext context) {
        membership.register(newInstance(context));
    }

    @Override
    public void compensate(StepContext context) {
        membership.deregister(newInstance(context));
    }

    private static String newInstance(StepContext context) {
        return context.find(MigrationFacts.NEW_INSTANCE_ID).orElseThrow(() -> new MigrationException("No new instance yet:"
                + " put rejoin-load-balancer at the end of CUTOVER (withStepAfter), after the launch."));
    }
}
