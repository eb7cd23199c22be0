package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestKernel;
import io.pv2hvm.core.guest.GuestLayout;
import io.pv2hvm.core.guest.TargetPlatform;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@link ConversionStrategy#DUAL_BOOT} needs of a running source beyond what IN_PLACE
 * needs, decided from its live inspection before anything on it is written: one unpartitioned
 * filesystem (extlinux goes into that filesystem's boot sector, which must be the disk's first
 * sector), the source's own extlinux, and an initramfs that still finds the root under PV.
 */
final class DualBootRules {
    /** Xen's PV block drivers: the same filesystem keeps booting under PV-GRUB. */
    private static final Set<String> XEN_PV_BLOCK = Set.of("xen_blkfront", "xen_vbd");
    private static final String ALTERNATIVES = " Use IN_PLACE or PARTITION_COPY instead: they convert a copy on the worker"
            + " and leave the running source unchanged.";

    private DualBootRules() {
    }

    /** Refuses at once a root that is not one whole-volume filesystem: nothing else was inspected then. */
    static void refuseLayout(GuestFacts facts, TargetPlatform target) {
        GuestLayout layout = facts.layout();
        if (layout.kind() != GuestLayout.Kind.WHOLE_DISK) {
            throw new GuestIncompatibleException("Cannot prepare " + facts.device() + " with DUAL_BOOT for " + target
                    + ": its root is " + (layout.kind() == GuestLayout.Kind.LVM ? "on LVM" : "on a partition ("
                    + layout.partitionTable() + " label)") + ", and DUAL_BOOT installs extlinux into the boot sector of an"
                    + " unpartitioned filesystem, which BIOS reads as the disk's first sector." + ALTERNATIVES);
        }
    }

    /** Every reason the live source cannot be prepared, beyond IN_PLACE's, each with its fix. */
    static List<String> problems(GuestFacts facts) {
        List<String> problems = new ArrayList<>();
        if (!facts.initramfsTools().contains("extlinux")) {
            problems.add("The running source has no extlinux, which DUAL_BOOT runs there to install the BIOS boot path"
                    + " beside PV-GRUB. Install it on the source (apt-get install extlinux; yum install syslinux-extlinux)"
                    + " and plan again, or choose another strategy." + ALTERNATIVES);
        }
        return problems;
    }

    /** The driver groups the initramfs must carry: the target's, and for DUAL_BOOT also Xen's PV block driver. */
    static List<Set<String>> requiredDrivers(ConversionStrategy strategy, TargetPlatform target, GuestKernel kernel) {
        List<Set<String>> groups = new ArrayList<>(target.requiredDrivers(kernel));
        if (strategy == ConversionStrategy.DUAL_BOOT && !groups.contains(XEN_PV_BLOCK)) {
            groups.add(XEN_PV_BLOCK);
        }
        return groups;
    }
}
