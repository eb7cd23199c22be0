package io.pv2hvm.core.guest;

import java.util.List;
import java.util.Set;

/**
 * The kind of HVM instance the converted guest will run on, which decides the drivers its
 * initramfs must carry to find the root disk (and, on Nitro, the network).
 */
public enum TargetPlatform {
    /**
     * Xen HVM instance types (t2, m4, c4, r4, ...): disks appear through {@code xen_blkfront},
     * or emulated IDE ({@code ata_piix}) until the PV drivers take over.
     */
    XEN_HVM(List.of(Set.of("xen_blkfront", "ata_piix"))),

    /** Nitro instance types: EBS volumes are NVMe devices ({@code nvme}), the network is ENA ({@code ena}). */
    NITRO(List.of(Set.of("nvme"), Set.of("ena")));

    /** Every driver some platform asks about; inspection reports on each of these. */
    public static final List<String> KNOWN_DRIVERS = List.of("nvme", "ena", "xen_blkfront", "ata_piix");

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
}
