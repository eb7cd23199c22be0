package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.steps.SourceRef;
import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ResourceType;

import java.util.List;

/**
 * Registers a PV backup image of the stopped source from its final root snapshot: the same
 * kernel (PV-GRUB AKI), root device and architecture, so the source can be relaunched as it was.
 * It reuses the completed snapshot instead of CreateImage, so the backup costs no downtime; data
 * volumes are never deleted, only moved, so they need no image.
 */
public final class BackupImageStep implements Step {
    private final AwsRuntime aws;

    public BackupImageStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "register-backup-image";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Wait for the stopped source's root snapshot; register a PV backup image from it",
                List.of("backup image of the source (kept)"), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        SourceInstance src = aws.source(ctx);
        String snapshot = ctx.find(AwsFacts.FINAL_SNAPSHOT).orElseThrow();
        aws.ec2().waitSnapshot(ctx, snapshot, src.rootVolume().volumeId());
        String id = ctx.find(AwsFacts.BACKUP_IMAGE).orElseGet(() -> {
            String image = register(aws, ctx, src, snapshot, Roles.BACKUP_IMAGE,
                    "pv2hvm-backup-" + src.instanceId() + "-" + ctx.migrationId());
            ctx.put(AwsFacts.BACKUP_IMAGE, image);
            return image;
        });
        // Not waiting for "available" here: the termination needs it registered only, and a
        // rollback after the termination waits for it before relaunching the source.
        ctx.put(MigrationFacts.BACKUP_IMAGE_ID, id);
    }

    /**
     * Registers a PV image of {@code src} from its completed root snapshot, tagged {@code role}
     * and journaled; a resumed run finds the one it registered before by that tag.
     */
    static String register(AwsRuntime aws, StepContext ctx, SourceInstance src, String snapshot, String role,
            String name) {
        String image = aws.ec2().taggedImage(ctx.migrationId(), role).map(Image::imageId)
                .orElseGet(() -> registerOrFind(aws, ctx, role, () -> aws.ec2().registerImage(r -> {
                    r.name(name)
                            .description("PV backup of " + src.instanceId() + " before pv2hvm migrated it to HVM")
                            .virtualizationType("paravirtual").architecture(src.architecture())
                            .rootDeviceName(src.rootDeviceName())
                            .blockDeviceMappings(BlockDeviceMapping.builder().deviceName(src.rootDeviceName()).ebs(e -> {
                                e.snapshotId(snapshot).deleteOnTermination(true)
                                        .volumeType(src.rootVolume().volumeType());
                                // io1/io2 need their IOPS, gp3 may carry IOPS and throughput.
                                if (src.rootVolume().iops() != null && !"gp2".equals(src.rootVolume().volumeType())
                                        && !"standard".equals(src.rootVolume().volumeType())) {
                                    e.iops(src.rootVolume().iops());
                                }
                                if (src.rootVolume().throughput() != null) {
                                    e.throughput(src.rootVolume().throughput());
                                }
                            }).build())
                            .tagSpecifications(aws.ec2().tags(ctx, ResourceType.IMAGE, role));
                    if (src.kernelId() != null) {
                        r.kernelId(src.kernelId());
                    }
                    if (src.ramdiskId() != null) {
                        r.ramdiskId(src.ramdiskId());
                    }
                }).imageId()));
        ctx.resourceCreated(new Resource("image", image, role));
        return image;
    }

    /**
     * RegisterImage has no client token: when its answer was lost and the SDK's retry finds the
     * name taken (InvalidAMIName.Duplicate), the first call registered it; a describe may show it
     * only after the visibility grace, so look by tag for that long before giving up.
     */
    private static String registerOrFind(AwsRuntime aws, StepContext ctx, String role,
            java.util.function.Supplier<String> register) {
        try {
            return register.get();
        } catch (AwsCallException e) {
            if (!"InvalidAMIName.Duplicate".equals(e.errorCode())) {
                throw e;
            }
            return aws.ec2().waits().within(ctx, aws.ec2().visibility(), () -> aws.ec2()
                    .taggedImage(ctx.migrationId(), role).map(Image::imageId)).orElseThrow(() -> e);
        }
    }

    @Override
    public void compensate(StepContext ctx) {
        // Only while the source still exists is the backup redundant; once it was terminated, keep it.
        if (SourceRef.terminated(ctx)) {
            ctx.find(AwsFacts.BACKUP_IMAGE).ifPresent(id -> ctx.warn("Backup image " + id + " of the terminated source"
                    + " was kept."));
            return;
        }
        ctx.find(AwsFacts.BACKUP_IMAGE).ifPresent(id -> aws.ec2().deregister(ctx, id, Roles.BACKUP_IMAGE));
    }
}
