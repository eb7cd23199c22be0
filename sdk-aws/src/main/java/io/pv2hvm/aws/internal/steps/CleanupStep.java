package io.pv2hvm.aws.internal.steps;

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

/**
 * Deletes the temporaries still there after the steps' own cleanup hooks (the worker went in
 * {@link LaunchWorkerStep#cleanup}, the source root was detached from it in
 * {@link MoveSourceRootStep#cleanup}): the trial instance and its security group, scratch volumes,
 * trial snapshots and image. Keeps what the user needs (the backup image, the HVM image, the new
 * instance). Works from the journal and then by tag, so a resource a crash left unjournaled is found too.
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
        return new StepDescription("Terminate the worker, delete scratch volumes, trial snapshots and the trial image;"
                + " keep the backup and HVM images", List.of(), List.of("temporary resources: deleted"));
    }

    @Override
    public void run(StepContext ctx) {
        // Temporaries a crash left unjournaled still carry their tags: one describe per kind finds
        // those of every temporary role (a role filter's values are alternatives). Instances are
        // listed first: the list also names the worker (a temporary role), so the worker needs no
        // describe of its own, and cleanup creates no instance that a later list could show.
        String id = ctx.migrationId();
        Map<String, List<Instance>> taggedInstances = aws.ec2().taggedInstances(id, Roles.TEMPORARY);
        // Deleted here from the journal: the tag sweep below may still list them for a while (a
        // volume "deleting", a snapshot being removed), and they need no second call.
        java.util.Set<String> gone = new java.util.HashSet<>();
        // The journaled worker went in LaunchWorkerStep.cleanup (so it is not listed above); one a
        // crash left unjournaled still carries its tags and goes first, as before.
        if (ctx.find(AwsFacts.WORKER_LAUNCHED).orElse(true)) {
            for (Instance worker : taggedInstances.getOrDefault(Roles.WORKER, List.of())) {
                aws.ec2().terminateAndWait(ctx, worker.instanceId(), Roles.WORKER);
                gone.add(worker.instanceId());
            }
        }
        List<Resource> created = ctx.resources();
        for (Resource r : created) {
            if (!Roles.TEMPORARY.contains(r.role()) || Roles.WORKER.equals(r.role())) {
                continue;
            }
            switch (r.type()) {
                case "instance" -> aws.ec2().terminateAndWait(ctx, r.id(), r.role());
                case "image" -> aws.ec2().deregister(ctx, r.id(), r.role());
                default -> { }
            }
            gone.add(r.id());
        }
        // Images before their snapshots: a snapshot backing an image cannot be deleted.
        for (Resource r : created) {
            if (Roles.TEMPORARY.contains(r.role())) {
                switch (r.type()) {
                    case "volume" -> aws.ec2().detachAndDelete(ctx, r.id(), r.role());
                    case "snapshot" -> aws.ec2().deleteSnapshot(ctx, r.id(), r.role());
                    case "security-group" -> aws.ec2().deleteSecurityGroup(ctx, r.id(), r.role()); // after its instances
                    default -> { }
                }
                gone.add(r.id());
            }
        }
        taggedInstances.forEach((role, instances) -> instances.stream()
                .filter(i -> !gone.contains(i.instanceId())).forEach(i -> aws.ec2().terminateAndWait(ctx, i.instanceId(), role)));
        aws.ec2().taggedImages(id, Roles.TEMPORARY).forEach((role, images) -> images.stream()
                .filter(i -> !gone.contains(i)).forEach(i -> aws.ec2().deregister(ctx, i, role)));
        aws.ec2().taggedVolumes(id, Roles.TEMPORARY).forEach((role, volumes) -> volumes.stream()
                .filter(v -> !gone.contains(v)).forEach(v -> aws.ec2().detachAndDeleteListed(ctx, v, role)));
        aws.ec2().taggedSnapshots(id, Roles.TEMPORARY).forEach((role, snapshots) -> snapshots.stream()
                .filter(s -> !gone.contains(s)).forEach(s -> aws.ec2().deleteSnapshot(ctx, s, role)));
        aws.ec2().taggedSecurityGroups(id, Roles.TRIAL_SECURITY_GROUP).stream().filter(g -> !gone.contains(g))
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
