package io.pv2hvm.core.guest;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A root filesystem on an LVM logical volume, as inspection read it from the volume group's
 * metadata (read-only; the group is never activated). pv2hvm converts it in place when the root
 * LV is one linear segment of a volume group whose only physical volume is a partition of the
 * root volume; it then reads and writes the LV through a loop device over those extents.
 *
 * @param rootArgument     {@code root=} of the default entry of the boot menu on the {@code /boot}
 *                         partition ({@code /dev/mapper/VG-LV}); empty if no partition outside LVM has a menu
 * @param volumeGroup      the volume group it names; empty if {@code root=} names no logical volume
 * @param logicalVolume    the logical volume it names; empty likewise
 * @param physicalVolumes  the LVM physical volumes found on the root volume's partitions (and
 *                         {@code [unknown]} for members of the group that are elsewhere)
 * @param groupPhysicalVolumes how many physical volumes the group's metadata lists (0 if not read)
 * @param segments         the root LV's segments (none if the group has no such LV)
 * @param mappedFrom       the physical volume the root LV was mapped from; empty when it could not be
 */
public record LvmRoot(String rootArgument, String volumeGroup, String logicalVolume, List<PhysicalVolume> physicalVolumes,
                      int groupPhysicalVolumes, List<Segment> segments, String mappedFrom) {

    /** Checks the parts and copies the lists. */
    public LvmRoot {
        Objects.requireNonNull(rootArgument, "rootArgument");
        Objects.requireNonNull(volumeGroup, "volumeGroup");
        Objects.requireNonNull(logicalVolume, "logicalVolume");
        physicalVolumes = List.copyOf(physicalVolumes);
        segments = List.copyOf(segments);
        Objects.requireNonNull(mappedFrom, "mappedFrom");
    }

    /** The root LV's device as the guest's initramfs creates it, {@code /dev/mapper/VG-LV} (dashes doubled). */
    public String mapperPath() {
        return "/dev/mapper/" + volumeGroup.replace("-", "--") + "-" + logicalVolume.replace("-", "--");
    }

    /** {@code VG/LV}, as lvm2's tools name it. */
    public String name() {
        return volumeGroup + "/" + logicalVolume;
    }

    /** Whether the root LV was mapped, so its filesystem was inspected. */
    public boolean mapped() {
        return !mappedFrom.isEmpty();
    }

    /** The physical volume named {@code device}, if found. */
    public Optional<PhysicalVolume> physicalVolume(String device) {
        return physicalVolumes.stream().filter(p -> p.device().equals(device)).findFirst();
    }

    /**
     * An LVM physical volume.
     *
     * @param device      its device ({@code [unknown]} when the group's metadata names one not present)
     * @param volumeGroup the group it belongs to (empty if none or unreadable)
     * @param format      the metadata format, {@code lvm2} or {@code lvm1}
     */
    public record PhysicalVolume(String device, String volumeGroup, String format) {
    }

    /**
     * One segment of the root LV, as {@code lvs --segments} reports it.
     *
     * @param type       {@code linear}, {@code striped}, {@code mirror}, {@code raid1}, {@code thin}, ...
     * @param ranges     the physical extents, {@code /dev/xvda2:0-2559} (several for striped or mirrored)
     * @param attributes {@code lv_attr}; its first character is {@code o} for a snapshot origin
     */
    public record Segment(String type, String ranges, String attributes) {
    }
}
