package io.pv2hvm.aws.internal.steps.register;

import io.pv2hvm.aws.internal.steps.Temporaries;
import io.pv2hvm.aws.internal.steps.SourceRef;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.Round;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.ArchitectureValues;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.BootModeValues;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.VirtualizationType;

import java.util.List;

/**
 * Snapshots the converted volume and registers it as an HVM image. Every RegisterImage default
 * is a trap for this job (paravirtual, i386), so each is set explicitly; EnaSupport only when the
 * guest has the driver, because an ENA image without it boots unreachable.
 */
public final class RegisterImageStep implements Step {
    public static final String ROOT_DEVICE = "/dev/xvda";

    private final AwsRuntime aws;
    private final Round round;
    /** DUAL_BOOT: the image is the source's own snapshot of this round, which already boots as HVM. */
    private final boolean fromSourceSnapshot;

    public RegisterImageStep(AwsRuntime aws, Round round) {
        this(aws, round, false);
    }

    private RegisterImageStep(AwsRuntime aws, Round round, boolean fromSourceSnapshot) {
        this.aws = aws;
        this.round = round;
        this.fromSourceSnapshot = fromSourceSnapshot;
    }

    /**
     * DUAL_BOOT: registers the round's snapshot of the source's root itself (the trial snapshot,
     * taken after the live change; the final snapshot of the stopped source), converting nothing.
     * The snapshot stays its snapshot step's: this step never deletes it.
     */
    public static RegisterImageStep fromSourceSnapshot(AwsRuntime aws, Round round) {
        return new RegisterImageStep(aws, round, true);
    }

    @Override
    public String name() {
        return "register-" + round.label() + "-image";
    }

    @Override
    public StepDescription describe() {
        boolean kept = round == Round.FINAL;
        if (fromSourceSnapshot) {
            return new StepDescription("Wait for the " + (kept ? "stopped source's final snapshot" : "snapshot of the prepared"
                    + " running source") + " and register it as an HVM image as it is (hvm, x86_64, " + ROOT_DEVICE
                    + ", legacy-bios; nothing converted)" + (kept ? "; the launch waits for it to be available" : ""),
                    List.of("HVM image" + (kept
                    ? " (kept: the new instance boots from it; it shares the final snapshot with the backup image)"
                    : " (temporary, for the trial)")), List.of());
        }
        return new StepDescription((kept ? "Wait for the converted volume's snapshot" : "Snapshot the converted volume")
                + " and register an HVM image (hvm, x86_64, "
                + ROOT_DEVICE + ", legacy-bios)" + (kept ? "; the launch waits for it to be available" : ""), List.of("snapshot of the converted volume" + (kept ? " (kept)" : " (temporary)"),
                "HVM image" + (kept ? " (kept: the new instance boots from it)" : " (temporary, for the trial)")),
                List.of());
    }

    @Override
    public void run(StepContext ctx) {
        String snapshot;
        if (fromSourceSnapshot) {
            snapshot = ctx.find(round == Round.TRIAL ? AwsFacts.TRIAL_SNAPSHOT : AwsFacts.FINAL_SNAPSHOT).orElseThrow();
            aws.ec2().waitSnapshot(ctx, snapshot, aws.source(ctx).rootVolume().volumeId());
        } else {
            String volume = ctx.find(round.convertedVolumeKey()).orElseThrow();
            snapshot = aws.ec2().snapshotAndWait(ctx, volume, round.imageSnapshotRole(),
                    "pv2hvm " + round.imageSnapshotRole() + " of " + ctx.options().instanceId());
        }
        String imageId = ctx.find(round.imageKey()).orElseGet(() -> register(ctx, snapshot));
        if (round == Round.FINAL) {
            // Not waiting for "available" here: the launch waits for it, while the backup image
            // registers and the source terminates.
            ctx.put(MigrationFacts.NEW_IMAGE_ID, imageId);
        } else {
            aws.ec2().waitImage(ctx, imageId);
        }
    }

    private String register(StepContext ctx, String snapshot) {
        // RegisterImage has no client token: look for this migration's image by tag first.
        String id = aws.ec2().taggedImage(ctx.migrationId(), round.imageRole()).map(Image::imageId).orElseGet(() -> {
            boolean ena = ctx.find(AwsFacts.GUEST_HAS_ENA).orElse(false);
            String name = "pv2hvm-" + ctx.options().instanceId() + "-" + round.label() + "-" + ctx.migrationId();
            return aws.ec2().registerImage(r -> r
                    .name(name).description("HVM copy of " + ctx.options().instanceId() + " made by pv2hvm")
                    .virtualizationType(VirtualizationType.HVM.toString()).architecture(ArchitectureValues.X86_64)
                    .rootDeviceName(ROOT_DEVICE).bootMode(BootModeValues.LEGACY_BIOS).enaSupport(ena)
                    .blockDeviceMappings(BlockDeviceMapping.builder().deviceName(ROOT_DEVICE).ebs(e -> e
                            .snapshotId(snapshot).deleteOnTermination(true).volumeType("gp3")).build())
                    .tagSpecifications(aws.ec2().tags(ctx, ResourceType.IMAGE, round.imageRole()))).imageId();
        });
        ctx.resourceCreated(new Resource("image", id, round.imageRole()));
        ctx.put(round.imageKey(), id);
        return id;
    }

    /**
     * Deletes the trial image after the migration succeeded, deregistered before its snapshot (a
     * snapshot backing an image cannot be deleted). The final round's image and snapshot are kept.
     */
    @Override
    public void cleanup(StepContext ctx) {
        if (Roles.TEMPORARY.contains(round.imageRole())) {
            Temporaries.journaled(ctx, "image", round.imageRole())
                    .forEach(id -> aws.ec2().deregister(ctx, id, round.imageRole()));
        }
        if (Roles.TEMPORARY.contains(round.imageSnapshotRole())) {
            Temporaries.journaled(ctx, "snapshot", round.imageSnapshotRole())
                    .forEach(id -> aws.ec2().deleteSnapshot(ctx, id, round.imageSnapshotRole()));
        }
    }

    @Override
    public void compensate(StepContext ctx) {
        if (round == Round.FINAL && SourceRef.terminated(ctx)) {
            // The source is gone: this image holds its converted data; keep it whatever else failed.
            ctx.find(round.imageKey()).ifPresent(id -> ctx.warn("HVM image " + id + " was kept."));
            return;
        }
        ctx.find(round.imageKey()).or(() -> aws.ec2().taggedImage(ctx.migrationId(), round.imageRole())
                .map(Image::imageId)).ifPresent(id -> aws.ec2().deregister(ctx, id, round.imageRole()));
        ctx.find(AwsFacts.SNAPSHOT.of(round.imageSnapshotRole()))
                .ifPresent(id -> aws.ec2().deleteSnapshot(ctx, id, round.imageSnapshotRole()));
    }
}
