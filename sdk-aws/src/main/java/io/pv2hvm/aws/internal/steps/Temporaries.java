package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.StepContext;

import java.util.List;

/** What a step's cleanup hook deletes: the resources the journal records under the step's own role. */
public final class Temporaries {
    private Temporaries() {
    }

    /** The ids of the journaled resources of {@code type} in {@code role}, in creation order, each once. */
    public static List<String> journaled(StepContext ctx, String type, String role) {
        return ctx.resources().stream().filter(r -> r.type().equals(type) && r.role().equals(role))
                .map(Resource::id).distinct().toList();
    }

    /**
     * Deletes the journaled volumes in {@code role}, which were attached to the worker: the worker
     * pv2hvm launched goes first ({@link Workers#terminateForCleanup}), so they need no detach.
     */
    public static void deleteWorkerVolumes(AwsRuntime aws, StepContext ctx, String role) {
        List<String> volumes = journaled(ctx, "volume", role);
        if (!volumes.isEmpty()) {
            Workers.terminateForCleanup(aws, ctx);
        }
        volumes.forEach(id -> aws.ec2().detachAndDelete(ctx, id, role));
    }
}
