package io.pv2hvm.core.guest;

import java.util.List;
import java.util.Set;

/**
 * The kind of HVM instance the converted guest will run on, which decides the drivers its
 * initramfs must carry to find the root disk (and, on Nitro, the network).
 */
public enum TargetPlatform {
    /**
     * Xen HVM instance types (t2, m4, c4, r4, ...): disks appear through the PV block driver
     * ({@code xen_blkfront} upstream, {@code xen_vbd} in RHEL 5's PV-on-HVM drivers, kmod-xenpv), or
     * emulated IDE ({@code ata_piix}) for a kernel that does not unplug the emulated disks.
     */
    XEN_HVM(List.of(Set.of("xen_blkfront", "xen_vbd", "ata_piix"))),

    /** Nitro instance types: EBS volumes are NVMe devices ({@code nvme}), the network is ENA ({@code ena}). */
    NITRO(List.of(Set.of("nvme"), Set.of("ena")));

    /** Every driver some platform asks about; inspection reports on each of these. */
    public static final List<String> KNOWN_DRIVERS = List.of("nvme", "ena", "xen_blkfront", "ata_piix", "xen_vbd",
            "xen_platform_pci");

    /** The PV block drivers of Xen HVM: {@code xen_blkfront} upstream, {@code xen_vbd} from RHEL 5's kmod-xenpv. */
    private static final Set<String> XEN_PV_BLOCK = Set.of("xen_blkfront", "xen_vbd");

    private final List<Set<String>> driverGroups;

    TargetPlatform(List<Set<String>> driverGroups) {
        this.driverGroups = driverGroups;
    }

    /**
     * What the initramfs must provide: each set is one need, satisfied by any driver in it
     * (module names with underscores, as {@code modprobe} shows them).
     */
    public List<Set<String>> requiredDrivers() {
        return driverGroups;
    }

    /**
     * What the initramfs of {@code kernel} must provide. On Xen HVM, a kernel that unplugs the emulated
     * disks ({@link GuestKernel#unplugsEmulatedDisks()}) cannot fall back to IDE: it needs its PV block driver.
     */
    public List<Set<String>> requiredDrivers(GuestKernel kernel) {
        if (this == XEN_HVM && kernel.unplugsEmulatedDisks()) {
            return List.of(XEN_PV_BLOCK);
        }
        return driverGroups;
    }
}
