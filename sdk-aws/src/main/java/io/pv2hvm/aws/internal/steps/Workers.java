package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.core.spi.StepContext;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Finding and terminating the worker this migration launched, even one a crash left unjournaled. */
final class Workers {
    private Workers() {
    }

    static void terminateLaunched(AwsRuntime aws, StepContext ctx) {
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
