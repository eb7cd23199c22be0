package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.steps.NewInstanceRequest;
import io.pv2hvm.aws.internal.steps.SourceRef;
import io.pv2hvm.aws.internal.steps.ClientTokens;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ImageState;
import io.pv2hvm.aws.internal.Responses;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;

import java.util.List;
import java.util.Optional;

/**
 * Starts terminating the stopped source to free its private IPs. Runs only after the backup image
 * is registered from the completed final snapshot (pending or available) and an HVM image of the
 * same recipe passed its boot check (the trial). It does not wait for the termination: the final
 * image is registered and becomes available while EC2 terminates the source, and the launch waits
 * for both.
 *
 * <p>Compensation relaunches the source from the backup image with the same IPs: the rollback of
 * a cutover whose new instance failed. It first waits until the backup image is available; if it
 * ended failed, it registers a backup image again from the same kept final snapshot and relaunches
 * from that.
 */
public final class TerminateSourceStep implements Step {
    private static final String RESTORED = "restored-source";

    private final AwsRuntime aws;

    public TerminateSourceStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "terminate-source";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Once the backup image is registered from the completed final snapshot, start"
                + " terminating the stopped source (volumes kept) to free its private IPs; a rollback waits for the"
                + " backup image to be available (registering it again if it failed) and relaunches the source from it",
                List.of(), List.of("source instance: terminated (its backup image and volumes are kept)"));
    }

    @Override
    public void run(StepContext ctx) {
        SourceInstance src = aws.source(ctx);
        // Never lose data: a backup image must exist and the recipe must have booted before the source goes.
        String backup = ctx.find(AwsFacts.BACKUP_IMAGE).orElseThrow(() -> new JournalException("Refusing to terminate "
                + src.instanceId() + ": no backup image is journaled."));
        // Registered (pending or available, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html,
        // State) from the completed final snapshot: the image exists, and that snapshot is kept. Only
        // an available image launches, so a rollback waits for it, and registers it again from the
        // same snapshot if it failed; waiting for "available" here would cost the registration
        // latency inside the window.
        aws.ec2().waitImageRegistered(ctx, backup);
        if (ctx.find(AwsFacts.TRIAL_VERIFIED).isEmpty()) {
            throw new JournalException("Refusing to terminate " + src.instanceId() + ": no HVM image of this migration"
                    + " has passed its boot check.");
        }
        Instance now = aws.ec2().visibleInstance(ctx, src.instanceId());
        List<String> unprotected = now.blockDeviceMappings().stream()
                .filter(m -> m.ebs() != null && Boolean.TRUE.equals(m.ebs().deleteOnTermination()))
                .map(m -> m.ebs().volumeId() + " (" + m.deviceName() + ")").toList();
        if (!unprotected.isEmpty()) {
            throw new MigrationException("Refusing to terminate " + src.instanceId() + ": volumes " + unprotected
                    + " would be deleted with it (DeleteOnTermination is true). Nothing was lost; rolling back.");
        }
        ctx.put(AwsFacts.SOURCE_TERMINATED, true);
        aws.ec2().terminate(ctx, src.instanceId());
        ctx.put(AwsFacts.SOURCE_TERMINATION_STARTED, true);
    }

    /**
     * After a crash between journaling the termination and TerminateInstances' answer: whether the
     * call never went out. A describe right after TerminateInstances may still say running
     * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html), so only a source
     * that stays alive for the whole visibility grace counts as never terminated.
     */
    private boolean terminationNeverStarted(StepContext ctx, String id) {
        return aws.ec2().waits().within(ctx, aws.ec2().visibility(), () -> SourceRef.alive(aws.ec2()
                .instanceStateName(ctx, id)) ? Optional.<Boolean>empty() : Optional.of(true)).isEmpty();
    }

    /**
     * The backup image to relaunch the source from, once available. The termination needed it only
     * registered; if it ended failed (or is otherwise unlaunchable), a backup image is registered
     * again from the same kept, completed final snapshot, tagged and journaled like the first.
     */
    private String launchableBackup(StepContext ctx, SourceInstance src) {
        Optional<String> again = ctx.find(AwsFacts.REREGISTERED_BACKUP_IMAGE);
        if (again.isPresent()) {
            aws.ec2().waitImage(ctx, again.get());
            return again.get();
        }
        String backup = ctx.find(AwsFacts.BACKUP_IMAGE).orElseThrow();
        String state = aws.ec2().waitImageSettled(ctx, backup);
        if (ImageState.AVAILABLE.toString().equals(state)) {
            return backup;
        }
        String snapshot = ctx.find(AwsFacts.FINAL_SNAPSHOT).orElseThrow();
        aws.ec2().waitSnapshot(ctx, snapshot, src.rootVolume().volumeId());
        String image = BackupImageStep.register(aws, ctx, src, snapshot, Roles.REREGISTERED_BACKUP_IMAGE,
                "pv2hvm-backup-" + src.instanceId() + "-" + ctx.migrationId() + "-again");
        ctx.put(AwsFacts.REREGISTERED_BACKUP_IMAGE, image);
        ctx.warn("Backup image " + backup + " is " + state + "; registered backup image " + image + " again from the"
                + " final snapshot " + snapshot + " to relaunch the source from.");
        aws.ec2().waitImage(ctx, image);
        return image;
    }

    @Override
    public void compensate(StepContext ctx) {
        if (ctx.has(MigrationFacts.CURRENT_SOURCE_ID) || !SourceRef.terminated(ctx)) {
            return;
        }
        String original = ctx.options().instanceId();
        if (!ctx.has(AwsFacts.SOURCE_TERMINATION_STARTED) && terminationNeverStarted(ctx, original)) {
            return;
        }
        aws.ec2().waitInstance(ctx, original, InstanceStateName.TERMINATED); // a shutting-down source first has to finish
        SourceInstance src = aws.source(ctx);
        // A crash after a relaunch but before journaling it: the tag finds it, and it holds the IP already.
        Optional<String> found = aws.ec2().taggedInstances(ctx.migrationId(), RESTORED).stream()
                .map(Instance::instanceId).findFirst();
        String backup = found.isPresent() ? ctx.find(AwsFacts.REREGISTERED_BACKUP_IMAGE)
                .orElseGet(() -> ctx.find(AwsFacts.BACKUP_IMAGE).orElseThrow()) : launchableBackup(ctx, src);
        String relaunched = found.orElseGet(() -> {
                    src.primaryInterface().ifPresent(eni -> aws.ec2().waitIpFree(ctx, eni.subnetId(),
                            eni.primaryPrivateIp()));
                    return Responses.first(aws.ec2().runInstances(
                            NewInstanceRequest.like(src).image(backup).type(src.instanceType()).keepingIps(true)
                                    .rootDevice(src.rootDeviceName())
                                    .clientToken(ClientTokens.of(ctx, "restore"))
                                    .extraTags(aws.ec2().tags(ctx, ResourceType.INSTANCE, RESTORED)).build())
                            .instances(), Ec2Action.RUN_INSTANCES, RESTORED).instanceId();
                });
        ctx.resourceCreated(new Resource("instance", relaunched, RESTORED));
        // Public: a user's compensation (e.g. a load balancer's) must act on the relaunched server.
        ctx.put(MigrationFacts.CURRENT_SOURCE_ID, relaunched);
        aws.ec2().waitInstance(ctx, relaunched, InstanceStateName.RUNNING);
        SourceDestCheck.carryOver(aws, src, relaunched);
        ElasticIps.associate(aws, ctx, relaunched); // termination had disassociated them
        ctx.warn("The migration rolled back after the source was terminated: " + original
                + " was relaunched from backup image " + backup + " as " + relaunched
                + " with the same private IPs.");
    }
}
