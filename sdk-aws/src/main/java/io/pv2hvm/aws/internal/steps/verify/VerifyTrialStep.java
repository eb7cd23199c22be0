package io.pv2hvm.aws.internal.steps.verify;

import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.steps.BootCheck;
import io.pv2hvm.aws.internal.steps.ClientTokens;
import io.pv2hvm.aws.internal.steps.cutover.MoveDataVolumesStep;
import io.pv2hvm.aws.internal.Responses;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;

import java.util.List;

/**
 * Boots a trial instance from the trial image, beside the source (fresh IP, same subnet), in its
 * quarantine group and with copies of the data volumes, proves it boots, runs the user's health
 * command, and terminates it. All of this happens while the source still serves. A successful run
 * ends with the trial terminated, so the step needs no cleanup hook; its quarantine group goes in
 * {@link TrialSecurityGroupStep#cleanup}, which runs after (hooks run newest step first).
 */
public final class VerifyTrialStep implements Step {
    private final AwsRuntime aws;

    public VerifyTrialStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "verify-trial-instance";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Boot a trial instance from the trial image, check status, console and health,"
                + " then terminate it", List.of("trial instance with a fresh IP, in the quarantine group, with copies of the data volumes (temporary)"), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        SourceInstance src = aws.source(ctx);
        String image = ctx.find(AwsFacts.TRIAL_IMAGE).orElseThrow();
        String type = ctx.find(MigrationFacts.TARGET_INSTANCE_TYPE).orElse(src.instanceType());
        String trial = ctx.find(AwsFacts.TRIAL_INSTANCE).orElseGet(() -> {
            // Quarantined (its own group, no user data: nothing of the source's start-up scripts runs
            // twice), with copies of the data volumes where the source has them, so it boots its real fstab.
            String quarantine = ctx.find(AwsFacts.TRIAL_SECURITY_GROUP).orElseThrow();
            List<BlockDeviceMapping> dataCopies = dataCopies(ctx, src);
            Instance i = Responses.first(aws.ec2().runInstances(r -> r
                    .imageId(image).instanceType(type).minCount(1).maxCount(1).subnetId(src.subnetId())
                    .securityGroupIds(quarantine).blockDeviceMappings(dataCopies).clientToken(ClientTokens.of(ctx, "trial"))
                    .tagSpecifications(aws.ec2().tags(ctx, ResourceType.INSTANCE, Roles.TRIAL_INSTANCE),
                            aws.ec2().tags(ctx, ResourceType.VOLUME, Roles.TRIAL_VOLUME))).instances(),
                    Ec2Action.RUN_INSTANCES, Roles.TRIAL_INSTANCE);
            ctx.resourceCreated(new Resource("instance", i.instanceId(), Roles.TRIAL_INSTANCE));
            ctx.put(AwsFacts.TRIAL_INSTANCE, i.instanceId());
            return i.instanceId();
        });
        if (ctx.find(AwsFacts.TRIAL_VERIFIED).isPresent()) {
            aws.ec2().terminateAndWait(ctx, trial, Roles.TRIAL_INSTANCE); // verified before a crash: finish up
            return;
        }
        BootCheck.verify(aws, ctx, trial);
        ctx.options().healthCommand().ifPresent(health -> {
            String ip = Responses.require(aws.ec2().visibleInstance(ctx, trial).privateIpAddress(), Ec2Action.DESCRIBE_INSTANCES,
                    "Reservations.Instances.PrivateIpAddress", trial);
            CommandResult r = BootCheck.runHealth(aws, ctx, health, ip);
            if (!r.succeeded()) {
                throw new MigrationException("The health command failed on the trial instance " + trial + " (exit "
                        + r.exitCode() + "): " + r.stderr().strip() + ". Nothing of the source was touched.");
            }
        });
        ctx.put(AwsFacts.TRIAL_VERIFIED, trial);
        aws.ec2().terminateAndWait(ctx, trial, Roles.TRIAL_INSTANCE);
    }

    /** A volume from each data volume's trial snapshot, at the source's device name, deleted with the trial. */
    private List<BlockDeviceMapping> dataCopies(StepContext ctx, SourceInstance src) {
        return src.dataVolumes().stream().map(v -> {
            String snapshot = ctx.find(AwsFacts.DATA_SNAPSHOT.of(v.volumeId())).orElseThrow();
            aws.ec2().waitSnapshot(ctx, snapshot, v.volumeId());
            return BlockDeviceMapping.builder().deviceName(MoveDataVolumesStep.hvmDeviceName(v.deviceName())).ebs(e -> e.snapshotId(snapshot)
                    .deleteOnTermination(true)).build(); // the account's default type: a trial needs no IOPS
        }).toList();
    }

    @Override
    public void compensate(StepContext ctx) {
        ctx.find(AwsFacts.TRIAL_INSTANCE).ifPresent(id -> aws.ec2().terminateAndWait(ctx, id, Roles.TRIAL_INSTANCE));
        aws.ec2().taggedInstances(ctx.migrationId(), Roles.TRIAL_INSTANCE)
                .forEach(i -> aws.ec2().terminateAndWait(ctx, i.instanceId(), Roles.TRIAL_INSTANCE));
    }
}
