package io.pv2hvm.core;

/** How the bootable HVM copy of the root volume is made. */
public enum ConversionStrategy {
    /**
     * Zero-copy: install extlinux into the filesystem boot sector of the unpartitioned volume.
     * Writes a few hundred KB whatever the disk size. ext2/3/4 only.
     */
    IN_PLACE,
    /**
     * The classic procedure: msdos label, partition 1 at 1 MiB, copy only used blocks, grow,
     * install GRUB2. Works for every filesystem, costs a copy of the used data.
     */
    PARTITION_COPY
}
