package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.LvmRoot;

import java.util.ArrayList;
import java.util.List;

/**
 * Which LVM roots pv2hvm converts, decided from inspection alone. The volume group is never
 * activated on the worker (it may have no device-mapper, and a guest's metadata must not build
 * device tables there): the root LV is read and written through a loop device over its extents,
 * which is exact only for one linear segment of a group whose one physical volume is a partition
 * of the root volume. {@code IN_PLACE} then installs GRUB2 in the gap, reading the {@code /boot}
 * partition, and leaves the group as it is; the guest's own initramfs activates it at boot.
 */
final class LvmRules {
    private LvmRules() {
    }

    /** Every reason this LVM root cannot be converted with {@code strategy}, each with its fix; empty if it can. */
    static List<String> problems(GuestFacts facts, ConversionStrategy strategy) {
        LvmRoot lvm = facts.layout().lvmRoot().orElse(new LvmRoot("", "", "", List.of(), 0, List.of(), ""));
        String device = facts.device();
        List<String> problems = new ArrayList<>();
        if (strategy == ConversionStrategy.PARTITION_COPY) {
            problems.add(device + " has its root on an LVM logical volume" + (lvm.volumeGroup().isEmpty() ? "" : " (" + lvm.name() + ")")
                    + ": PARTITION_COPY copies a root filesystem into a partition of a new disk and would leave the volume"
                    + " group and /boot behind. Use IN_PLACE, which converts an LVM root: GRUB2 in the gap reads the /boot"
                    + " partition and the guest's initramfs activates the volume group as before.");
        }
        lvm.physicalVolumes().stream().filter(p -> p.format().equals("lvm1")).forEach(p -> problems.add(
                "The LVM physical volume " + p.device() + " carries LVM1 metadata, which today's lvm2 no longer reads."
                        + " Convert it in the guest (vgconvert -M2 " + (p.volumeGroup().isEmpty() ? "VG" : p.volumeGroup())
                        + "), then convert."));
        if (lvm.rootArgument().isEmpty()) {
            problems.add("No partition of " + device + " outside LVM holds a boot menu (/grub/menu.lst or /grub/grub.conf):"
                    + " /boot is inside the volume group, where GRUB2 installed in the gap before the first partition"
                    + " does not look for it. Move /boot to a partition of its own (ext2/3/4) with menu.lst naming the root"
                    + " LV (root=/dev/mapper/VG-LV) and an fstab entry for it, then convert.");
            return problems;
        }
        if (lvm.volumeGroup().isEmpty()) {
            problems.add("The boot menu's root=" + lvm.rootArgument() + " names no LVM logical volume, yet no partition of "
                    + device + " holds the root. Name the root LV as the guest's initramfs finds it (root=/dev/mapper/VG-LV"
                    + " or root=/dev/VG/LV) in menu.lst on the /boot partition, then convert.");
            return problems;
        }
        String lv = "The root logical volume " + lvm.name();
        if (lvm.groupPhysicalVolumes() > 1) {
            problems.add("The volume group " + lvm.volumeGroup() + " spans " + lvm.groupPhysicalVolumes() + " physical volumes"
                    + " (found on " + device + ": " + onThisVolume(lvm) + "); pv2hvm converts the root volume alone and needs"
                    + " the group to have one physical volume there. In the guest, move the group's extents onto the root"
                    + " volume's partition (pvmove) and drop the others (vgreduce), or move other LVs to a group of their own"
                    + " (vgsplit), then convert.");
        }
        if (lvm.segments().isEmpty()) {
            problems.add("The volume group " + lvm.volumeGroup() + " on " + device + " has no logical volume " + lvm.logicalVolume()
                    + ", which the boot menu names (root=" + lvm.rootArgument() + "). Correct root= in menu.lst, then convert.");
        } else if (lvm.segments().size() > 1) {
            problems.add(lv + " has " + lvm.segments().size() + " segments: pv2hvm maps the root through one contiguous range"
                    + " of its physical volume without activating the group. Make it contiguous in the guest (pvmove"
                    + " --alloc contiguous " + segmentPv(lvm) + " or lvconvert with --alloc contiguous), then convert.");
        }
        for (LvmRoot.Segment s : lvm.segments()) {
            if (!s.type().equals("linear")) {
                problems.add(lv + " is " + s.type() + " (" + s.ranges() + "): only a linear LV can be read without activating"
                        + " the group. " + fixFor(s.type()) + " Then convert.");
                break;
            }
        }
        lvm.segments().stream().map(LvmRoot.Segment::attributes).filter(a -> !a.isEmpty()).findFirst().ifPresent(a -> {
            switch (a.charAt(0)) {
                case 'o', 'O' -> problems.add(lv + " has snapshots (lv_attr " + a + "): writing it without their copy-on-write"
                        + " would corrupt them. Remove the snapshots (lvremove), then convert.");
                case 's', 'S' -> problems.add(lv + " is a snapshot (lv_attr " + a + "). Point root= at its origin or copy it"
                        + " onto a linear LV, then convert.");
                case 'V' -> { }  // thin: named by its segment type above
                default -> { }
            }
        });
        if (problems.isEmpty() && !lvm.mapped()) {
            problems.add(lv + " on " + device + " could not be mapped for reading (" + lvm.segments() + "). Check it in the guest"
                    + " with lvs --segments " + lvm.name() + ".");
        }
        return problems;
    }

    private static String onThisVolume(LvmRoot lvm) {
        List<String> here = lvm.physicalVolumes().stream()
                .filter(p -> p.volumeGroup().equals(lvm.volumeGroup()) && !p.device().equals("[unknown]"))
                .map(LvmRoot.PhysicalVolume::device).toList();
        return here.isEmpty() ? "none" : String.join(", ", here);
    }

    private static String segmentPv(LvmRoot lvm) {
        String ranges = lvm.segments().get(0).ranges();
        int colon = ranges.indexOf(':');
        return colon > 0 ? ranges.substring(0, colon) : "PV";
    }

    private static String fixFor(String type) {
        if (type.startsWith("mirror") || type.startsWith("raid1")) {
            return "Drop its mirror legs in the guest (lvconvert -m0 VG/LV).";
        }
        if (type.startsWith("thin")) {
            return "Its blocks live in a thin pool: copy the root onto a linear LV (lvcreate, rsync -aHAX) and point root= and"
                    + " fstab at it.";
        }
        return "Copy the root onto a linear LV in the guest (lvcreate, rsync -aHAX; or lvconvert --type linear where lvm2"
                + " supports it) and point root= and fstab at it.";
    }
}
