package io.pv2hvm.testkit.lab;

import java.util.List;

/**
 * The PV-style guest images the lab builds: an unpartitioned root filesystem with a real Debian
 * kernel, a PV-GRUB {@code menu.lst}, an fstab naming {@code /dev/xvda1} and {@code console=hvc0}.
 * Each boots to the lab's marker init, which prints the kernel, the root device and whether
 * fstab's root entry resolves.
 */
public enum Fixture {
    /** ext2. */
    EXT2("ext2", "-", 256, "busybox", Modules.ALL),
    /** ext3. */
    EXT3("ext3", "-", 256, "busybox", Modules.ALL),
    /** ext4 with today's mkfs defaults (64bit, metadata_csum, ...). */
    EXT4("ext4", "-", 256, "busybox", Modules.ALL),
    /** ext4 as old EC2 AMIs made it: no 64bit, no metadata_csum. */
    EXT4_OLD_EC2("ext4", "^64bit,^metadata_csum", 256, "busybox", Modules.ALL),
    /** XFS (mkfs.xfs needs at least 300 MiB). */
    XFS("xfs", "-", 512, "busybox", Modules.ALL),
    /** A CentOS 5 look-alike whose default kernel is kernel-xen (CONFIG_X86_64_XEN=y): PV-only. */
    PV_ONLY_KERNEL("ext4", "-", 256, "pv-only", Modules.ALL),
    /**
     * Minimal Debian bookworm from debootstrap with its own initramfs-tools, its initramfs built
     * with {@code MODULES=list} from Xen and IDE disk drivers only: no nvme, no ena.
     */
    DEBIAN_WITHOUT_NVME("ext4", "-", 1024, "debootstrap",
            List.of("ext4", "crc32c_generic", "libata", "ata_piix", "ata_generic", "sd_mod", "xen-blkfront"));

    private final String fsType;
    private final String features;
    private final int sizeMiB;
    private final String variant;
    private final List<String> modules;

    Fixture(String fsType, String features, int sizeMiB, String variant, List<String> modules) {
        this.fsType = fsType;
        this.features = features;
        this.sizeMiB = sizeMiB;
        this.variant = variant;
        this.modules = modules;
    }

    /** The filesystem type. */
    public String fsType() {
        return fsType;
    }

    /** mkfs {@code -O} features, or {@code -} for the defaults. */
    public String features() {
        return features;
    }

    /** Image size in MiB. */
    public int sizeMiB() {
        return sizeMiB;
    }

    /** Which build recipe: {@code busybox}, {@code pv-only} or {@code debootstrap}. */
    public String variant() {
        return variant;
    }

    /** Driver modules the fixture's initramfs carries. */
    public List<String> modules() {
        return modules;
    }

    private static final class Modules {
        /** Disk drivers for every lab boot (IDE, NVMe) and what EC2 uses (Xen blkfront, ENA). */
        static final List<String> ALL = List.of("crc32c_generic", "ext4", "xfs", "libata", "ata_piix", "ata_generic",
                "sd_mod", "nvme", "xen-blkfront", "ena");
    }
}
