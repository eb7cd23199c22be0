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
    PARTITION_COPY,

    /**
     * Opt-in, and it changes production: prepares the <em>running</em> source to boot both ways
     * before the stop, so that nothing is converted inside the downtime window. On the source
     * itself (through a transport to it, SSM or SSH): extlinux installed into the boot sector of
     * its unpartitioned ext2/3/4 root alongside PV-GRUB, whose {@code /boot/grub/menu.lst} stays
     * unchanged (PV arguments); the HVM console only in extlinux's configuration; fstab by UUID;
     * an initramfs carrying both Xen's block driver and the target's; a getty on {@code ttyS0}
     * beside the Xen console's; MAC pinning removed as {@link #IN_PLACE} does. Every change keeps
     * its original as {@code FILE.pv2hvm-orig}. Refuses, before the first write, a partitioned or
     * LVM root, XFS, ext4 {@code inline_data} and a source without {@code extlinux}: use
     * {@link #IN_PLACE} or {@link #PARTITION_COPY} there, which leave the source unchanged.
     */
    DUAL_BOOT
}
