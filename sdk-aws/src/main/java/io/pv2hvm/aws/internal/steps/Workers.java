package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.internal.steps.cutover.MoveSourceRootStep;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.core.spi.StepContext;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Finding and terminating the worker this migration launched, even one a crash left unjournaled. */
public final class Workers {
    private Workers() {
    }

    /**
     * After a successful migration, terminates the worker this migration launched (never the user's
     * own), once: later calls cost nothing. Cleanup hooks that delete volumes attached to the worker
     * call it first, although the worker's own hook comes last (it was launched early): the
     * termination detaches every such volume at once, where a running worker would need a
     * DetachVolume and a wait for each. The source's own root leaves the worker first, by a detach
     * ({@link MoveSourceRootStep#detachForCleanup}), as it always did: it is the customer's volume.
     */
    public static void terminateForCleanup(AwsRuntime aws, StepContext ctx) {
        if (!ctx.find(AwsFacts.WORKER_LAUNCHED).orElse(true) || ctx.has(AwsFacts.WORKER_TERMINATED)) {
            return;
        }
        Optional<String> worker = ctx.find(AwsFacts.WORKER);
        if (worker.isEmpty()) {
            return;
        }
        MoveSourceRootStep.detachForCleanup(aws, ctx);
        aws.ec2().terminateAndWait(ctx, worker.get(), Roles.WORKER);
        ctx.put(AwsFacts.WORKER_TERMINATED, true);
    }

    public static void terminateLaunched(AwsRuntime aws, StepContext ctx) {
        terminateLaunched(aws, ctx, aws.ec2().taggedInstances(ctx.migrationId(), Roles.WORKER));
    }

    /**
     * Terminates the journaled worker and {@code tagged}, the worker instances a describe by this
     * migration's tags has just listed (so the caller's list is not made twice).
     *
     * @return the ids terminated
     */
    static Set<String> terminateLaunched(AwsRuntime aws, StepContext ctx, List<Instance> tagged) {
        Set<String> ids = new LinkedHashSet<>();
        ctx.find(AwsFacts.WORKER).ifPresent(ids::add);
        tagged.stream().map(Instance::instanceId).forEach(ids::add);
        for (String id : ids) {
            aws.ec2().terminateAndWait(ctx, id, Roles.WORKER);
        }
        return ids;
    }
}
