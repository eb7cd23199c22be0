package io.pv2hvm.aws.internal.steps.convert;

import io.pv2hvm.aws.internal.steps.ScratchVolumes;
import io.pv2hvm.aws.internal.steps.DataVolumeNames;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.guest.VolumeFilesystem;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads what identifies the filesystems on each data volume (UUID, label; per partition), so the
 * conversion can rewrite fstab entries by device name, which Nitro renames ({@code /dev/xvdf} is
 * {@code /dev/nvme1n1}), to {@code UUID=}. It reads a copy made from the volume's trial snapshot
 * and attached to the worker, never the user's volume, and deletes the copy once read. The result
 * is journaled per volume, so a resumed run and the final round do not read again: a filesystem's
 * UUID does not change between the trial snapshot and the cutover. A successful run has deleted
 * every copy, so the step needs no cleanup hook.
 */
public final class ReadDataVolumesStep implements Step {
    private final AwsRuntime aws;

    public ReadDataVolumesStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "read-data-volume-filesystems";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Read the UUID and label of each data volume's filesystems from a copy of its trial"
                + " snapshot on the worker, so fstab can name them", List.of("a volume per data volume, from its trial"
                + " snapshot, attached to the worker while read (temporary)"), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        SourceInstance src = aws.source(ctx);
        ScratchVolumes volumes = new ScratchVolumes(aws);
        for (SourceInstance.Volume v : src.dataVolumes()) {
            if (ctx.find(AwsFacts.DATA_FILESYSTEMS.of(v.volumeId())).isEmpty()) {
                String snapshot = ctx.find(AwsFacts.DATA_SNAPSHOT.of(v.volumeId())).orElseThrow();
                aws.ec2().waitSnapshot(ctx, snapshot, v.volumeId());
                String device = volumes.createAttachAndFind(ctx, Roles.DATA_VOLUME_COPY, copyKey(v), snapshot, 0);
                List<VolumeFilesystem> found = VolumeFilesystem.read(aws.transport(ctx), device);
                ctx.put(AwsFacts.DATA_FILESYSTEMS.of(v.volumeId()), DataVolumeNames.encode(found));
                warnUnnamed(ctx, v, found);
            }
            ctx.find(AwsFacts.VOLUME.of(copyKey(v))).ifPresent(copy -> aws.ec2().detachAndDelete(ctx, copy, Roles.DATA_VOLUME_COPY));
        }
    }

    /** LVM and RAID members, unformatted volumes: fstab keeps their names, and the user is told why. */
    private static void warnUnnamed(StepContext ctx, SourceInstance.Volume v, List<VolumeFilesystem> found) {
        String names = String.join(" or ", DataVolumeNames.guestNames(v.deviceName(), 0));
        if (found.isEmpty()) {
            ctx.warn("Data volume " + v.volumeId() + " (" + names + ") shows no filesystem or partition blkid recognises:"
                    + " fstab entries naming it keep the device name, with the init's no-fail option.");
        }
        found.forEach(fs -> fs.whyKeptByName().ifPresent(why -> ctx.warn("Data volume " + v.volumeId() + " (" + names
                + (fs.partition() == 0 ? "" : ", partition " + fs.partition()) + ") cannot be named by UUID or label: "
                + why + ". fstab entries naming it keep the device name, with the init's no-fail option.")));
    }

    private static String copyKey(SourceInstance.Volume v) {
        return Roles.DATA_VOLUME_COPY + "-" + v.volumeId();
    }

    @Override
    public void compensate(StepContext ctx) {
        Set<String> ids = new LinkedHashSet<>();
        aws.source(ctx).dataVolumes().forEach(v -> ctx.find(AwsFacts.VOLUME.of(copyKey(v))).ifPresent(ids::add));
        ids.addAll(aws.ec2().taggedVolumes(ctx.migrationId(), Roles.DATA_VOLUME_COPY));
        ids.forEach(id -> aws.ec2().detachAndDelete(ctx, id, Roles.DATA_VOLUME_COPY));
    }
}
