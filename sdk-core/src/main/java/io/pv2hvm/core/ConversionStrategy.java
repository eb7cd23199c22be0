package io.pv2hvm.core;

/**
 * How the guest's root volume is made bootable under HVM BIOS. Both keep the guest's own kernel
 * and initramfs, boot by filesystem UUID, move the console to {@code ttyS0} and rewrite
 * {@code /etc/fstab} to UUIDs.
 */
public enum ConversionStrategy {
    /**
     * Zero-copy: installs extlinux into the boot sector of the unpartitioned ext2/3/4 volume
     * itself. Writes a few hundred KiB whatever the volume size; refuses XFS and ext4
     * {@code inline_data}. Proven on Xen-era HVM; on Nitro reported but unconfirmed by AWS.
     */
    IN_PLACE,

    /**
     * The classic procedure, improved: a new volume with an msdos label and partition 1 at
     * 1 MiB, a copy of only the used blocks of the filesystem, grown to fill the partition, and
     * GRUB2 installed from the worker. Works for any filesystem GRUB2 reads; the source volume
     * is only read.
     */
    PARTITION_COPY
}
