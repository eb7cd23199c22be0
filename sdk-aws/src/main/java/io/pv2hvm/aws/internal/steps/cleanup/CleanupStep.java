package io.pv2hvm.aws.internal.steps.cleanup;

import io.pv2hvm.aws.Tags;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The last step of a successful migration, after the steps' own cleanup hooks deleted the
 * temporaries each of them journaled: sweeps by tag for temporaries a crash left unjournaled (one
 * describe per kind), warns about the source's kept root volume, and records the run's API calls.
 */
public final class CleanupStep implements Step {
    private final AwsRuntime aws;

    public CleanupStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "cleanup";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Delete the temporaries a crash left unrecorded, found by this migration's tags"
                + " (the steps' own cleanup deleted the recorded ones); keep the backup and HVM images", List.of(),
                List.of("temporary resources: deleted"));
    }

    @Override
    public void run(StepContext ctx) {
        // A temporary a crash left unjournaled still carries its tags: one describe per kind finds
        // those of every temporary role (a role filter's values are alternatives). The journaled ones
        // belong to the hooks of the steps that made them (a describe may still list them for a
        // while, "deleting"); one a hook failed to delete was reported and is left to Migrations.sweep.
        String id = ctx.migrationId();
        Set<String> journaled = ctx.resources().stream().map(Resource::id).collect(Collectors.toSet());
        Map<String, List<Instance>> taggedInstances = aws.ec2().taggedInstances(id, Roles.TEMPORARY);
        // An unjournaled worker goes first: the scratch volumes attached to it are released with it.
        taggedInstances.getOrDefault(Roles.WORKER, List.of()).stream().filter(i -> !journaled.contains(i.instanceId()))
                .forEach(i -> aws.ec2().terminateAndWait(ctx, i.instanceId(), Roles.WORKER));
        taggedInstances.forEach((role, instances) -> instances.stream()
                .filter(i -> !Roles.WORKER.equals(role) && !journaled.contains(i.instanceId()))
                .forEach(i -> aws.ec2().terminateAndWait(ctx, i.instanceId(), role)));
        // Images before their snapshots: a snapshot backing an image cannot be deleted.
        aws.ec2().taggedImages(id, Roles.TEMPORARY).forEach((role, images) -> images.stream()
                .filter(i -> !journaled.contains(i)).forEach(i -> aws.ec2().deregister(ctx, i, role)));
        aws.ec2().taggedVolumes(id, Roles.TEMPORARY).forEach((role, volumes) -> volumes.stream()
                .filter(v -> !journaled.contains(v)).forEach(v -> aws.ec2().detachAndDeleteListed(ctx, v, role)));
        aws.ec2().taggedSnapshots(id, Roles.TEMPORARY).forEach((role, snapshots) -> snapshots.stream()
                .filter(s -> !journaled.contains(s)).forEach(s -> aws.ec2().deleteSnapshot(ctx, s, role)));
        // After its instances.
        aws.ec2().taggedSecurityGroups(id, Roles.TRIAL_SECURITY_GROUP).stream().filter(g -> !journaled.contains(g))
                .forEach(g -> aws.ec2().deleteSecurityGroup(ctx, g, Roles.TRIAL_SECURITY_GROUP));
        if (ctx.has(AwsFacts.SOURCE_TERMINATED)) {
            aws.source(ctx).volumes().stream()
                .filter(SourceInstance.Volume::root).forEach(v -> ctx.warn(ctx.has(AwsFacts.SOURCE_ROOT_CONVERTED)
                        ? "The source's original root volume " + v.volumeId() + " was kept (detached), converted to HVM"
                        + " in place (tagged " + Tags.ROLE + "=" + Roles.CONVERTED_SOURCE_ROOT + "); its PV data is in"
                        + " the final snapshot and the backup image. Delete it once you no longer need it."
                        : "The source's original root volume " + v.volumeId() + " was kept (detached); its data is"
                        + " also in the backup image. Delete it once you no longer need it."));
        }
        // Calls made by this run (a resumed migration counts from the resume).
        ctx.put(MigrationFacts.API_CALLS, aws.apiCalls());
    }
}
