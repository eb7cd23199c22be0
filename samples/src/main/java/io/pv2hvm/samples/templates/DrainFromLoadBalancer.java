package io.pv2hvm.samples.templates;

import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.List;
import java.util.Objects;

/**
 * A custom step for the start of CUTOVER: takes the source out of its load balancer before it is
 * stopped, so no request hits a stopping server. If the migration fails later, the rollback puts
 * the source back: the original instance, or, when the source was already terminated, the one
 * the rollback relaunched from the backup image ({@link MigrationFacts#CURRENT_SOURCE_ID}).
 *
 * <pre>{@code
 * Migration.of(id).toHvm().preservingIps()
 *         .withStepBefore(Phase.CUTOVER, new DrainFromLoadBalancer(targetGroup))
 *         .withStepAfter(Phase.CUTOVER, new RejoinLoadBalancer(targetGroup)) // at the end of CUTOVER
 *         .run();
 * }</pre>
 */
public final class DrainFromLoadBalancer implements Step {
    private final LoadBalancerMembership membership;

    /** A step draining the source from {@code membership}. */
    public DrainFromLoadBalancer(LoadBalancerMembership membership) {
        this.membership = Objects.requireNonNull(membership);
    }

    @Override
    public String name() {
        return "drain-from-load-balancer";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Take the source out of its load balancer and wait for connections to drain",
                List.of(), List.of("load balancer membership of the source"));
    }

    @Override
    public void run(StepContext context) {
        String source = context.get(MigrationFacts.CURRENT_SOURCE_ID); // the instance: nothing relaunched yet
        context.progress(0, "deregistering " + source);
        membership.deregister(source);
        context.progress(100, "drained " + source);
    }

    @Override
    public void compensate(StepContext context) {
        // Compensated after terminate-source: if that step relaunched the source from its backup
        // image, the server that serves again has a new id, and the original one is gone.
        membership.register(context.get(MigrationFacts.CURRENT_SOURCE_ID));
    }
}
