package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.guest.DataVolumes;
import io.pv2hvm.core.guest.VolumeFilesystem;
import io.pv2hvm.core.spi.StepContext;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The device names a PV guest's fstab may use for an EC2 data volume, and what the conversion
 * rewrites them to. A volume attached as {@code /dev/sdf} appears in a Xen PV guest as
 * {@code /dev/xvdf} (or {@code /dev/sdf} on older kernels); a partitioned one as
 * {@code /dev/xvdf1}, ...; one attached under a partition-style name ({@code /dev/sdf1}) is that
 * node, unpartitioned (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/device_naming.html).
 */
public final class DataVolumeNames {
    private DataVolumeNames() {
    }

    /** What the journal says about each data volume of {@code src}, by every name the guest may use. */
    public static DataVolumes of(StepContext ctx, SourceInstance src) {
        DataVolumes volumes = DataVolumes.none();
        for (SourceInstance.Volume v : src.dataVolumes()) {
            Optional<String> read = ctx.find(AwsFacts.DATA_FILESYSTEMS.of(v.volumeId()));
            if (read.isEmpty()) {
                continue; // not read (a run without the read step): its entries keep their names, with nofail
            }
            List<VolumeFilesystem> found = VolumeFilesystem.parse(read.get());
            if (found.isEmpty()) {
                for (String name : guestNames(v.deviceName(), 0)) {
                    volumes = volumes.keptByName(name, "the volume " + v.volumeId() + " holds no filesystem blkid recognises"
                            + " (unformatted, or a partition table without partitions)");
                }
            }
            for (VolumeFilesystem fs : found) {
                for (String name : guestNames(v.deviceName(), fs.partition())) {
                    Optional<String> spec = fs.fstabSpec();
                    volumes = spec.isPresent() ? volumes.identified(name, spec.get())
                            : volumes.keptByName(name, "on volume " + v.volumeId() + ", " + fs.whyKeptByName().orElseThrow());
                }
            }
        }
        return volumes;
    }

    /** The journal form of what was read: the worker script's own FS lines. */
    public static String encode(List<VolumeFilesystem> found) {
        return found.stream().map(f -> String.join("\t", "FS", Integer.toString(f.partition()), f.type(), f.uuid(), f.label()))
                .collect(Collectors.joining("\n"));
    }

    /** {@code /dev/xvdf} and {@code /dev/sdf} for EC2's {@code /dev/sdf}; with the partition number when not 0. */
    public static Set<String> guestNames(String ec2Device, int partition) {
        String xvd = ec2Device.replaceFirst("^/dev/sd", "/dev/xvd");
        String sd = xvd.replaceFirst("^/dev/xvd", "/dev/sd");
        Set<String> names = new LinkedHashSet<>();
        for (String base : List.of(xvd, sd)) {
            names.add(partition == 0 ? base : base + partition);
        }
        return names;
    }
}
