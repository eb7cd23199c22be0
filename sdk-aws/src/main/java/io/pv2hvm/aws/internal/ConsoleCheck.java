package io.pv2hvm.aws.internal;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a new instance's serial console for the ways a converted guest fails to boot while EC2's
 * status checks may still pass (the hypervisor is fine, the guest is not): the bootloader's
 * rescue prompts, the initramfs' emergency shells (dracut, initramfs-tools) and init's mount
 * prompts (mountall, systemd, sysvinit's sulogin). The earliest failure line printed is reported,
 * with its likely cause and fix: later prompts are usually consequences of the first.
 */
public final class ConsoleCheck {
    private static final String ROOT_DRIVER = " Fix: rebuild the guest's initramfs with the target's disk driver (nvme on"
            + " Nitro, xen-blkfront or ata_piix on Xen HVM) and point root= at UUID= or LABEL=, then migrate again.";
    private static final String DATA_MOUNT = " Fix: name data volumes in /etc/fstab by UUID= or LABEL= with nofail"
            + " (systemd; nobootwait under upstart's mountall), and check every fstab volume is attached.";

    private static final List<Sign> SIGNS = List.of(
            new Sign("grub rescue>", "GRUB 2 could not load its modules or grub.cfg: the partition or /boot/grub it was"
                    + " installed for is not where it looks. Fix: reinstall GRUB on the converted volume"
                    + " (PARTITION_COPY) and check the partition table."),
            new Sign("error: no such partition", "GRUB's root names a partition the disk does not have (an"
                    + " unpartitioned root addressed as (hd0,0), or a partition number shifted by the copy). Fix: point"
                    + " the boot entry's root at the partition holding /boot, or convert with PARTITION_COPY."),
            new Sign("error: unknown filesystem", "GRUB cannot read the filesystem holding /boot (btrfs, ReiserFS,"
                    + " JFS, ext4 features newer than the GRUB build, or a damaged copy). Fix: convert with"
                    + " PARTITION_COPY onto a filesystem GRUB reads, or disable the ext4 feature (e.g. inline_data)."),
            new Sign("dracut-initqueue[^\\n]*timeout", "dracut waited for the root device and never saw it: the"
                    + " initramfs lacks the disk driver or root= names a PV device (/dev/xvda1, /dev/sda1)." + ROOT_DRIVER),
            new Sign("Entering emergency mode", "dracut gave up finding or mounting the root filesystem."
                    + ROOT_DRIVER),
            new Sign("dracut:/#", "dracut dropped to its emergency shell: the root filesystem was not found or not"
                    + " mounted." + ROOT_DRIVER),
            new Sign("ALERT! [^\\n]* does not exist", "initramfs-tools did not find the root device: the initramfs"
                    + " lacks the disk driver or root= names a PV device. Fix: add the driver to"
                    + " /etc/initramfs-tools/modules, run update-initramfs -u, and use root=UUID=."),
            new Sign("\\(initramfs\\)", "initramfs-tools dropped to its BusyBox shell: the root filesystem was not"
                    + " found or not mounted." + ROOT_DRIVER),
            new Sign("VFS: Unable to mount root", "The kernel found no root filesystem: the disk or filesystem"
                    + " driver is missing, or root= names a device that does not exist on HVM." + ROOT_DRIVER),
            new Sign("Kernel panic", "The kernel stopped. If it follows a root-mount failure, see that; a PV-only"
                    + " kernel (kernel-xen) panics on HVM. Fix: boot a kernel built for HVM."),
            new Sign("Dropping to a shell", "The initramfs dropped to a shell: the root filesystem was not found or"
                    + " not mounted." + ROOT_DRIVER),
            new Sign("The disk drive for [^\\n]* is not ready yet or not present", "mountall (upstart) is waiting for"
                    + " a device in /etc/fstab that is not attached or was renamed (/dev/xvdf is nvme1n1 on Nitro)."
                    + DATA_MOUNT),
            new Sign("Press S to skip mounting", "mountall (upstart) could not mount an /etc/fstab entry and waits at"
                    + " the console." + DATA_MOUNT),
            new Sign("You are in emergency mode", "systemd entered emergency mode: an /etc/fstab mount failed (a data"
                    + " volume missing or renamed) or the root filesystem check failed." + DATA_MOUNT),
            new Sign("Give root password for maintenance", "init stopped for maintenance: a filesystem check failed"
                    + " or an /etc/fstab device is missing (sysvinit mounts fstab once, at boot)." + DATA_MOUNT),
            new Sign("Boot failed: not a bootable disk", "The BIOS found no boot code on the root volume. Fix: install"
                    + " the bootloader on the converted volume (PARTITION_COPY installs GRUB 2)."),
            new Sign("No bootable device", "The BIOS found no boot code on the root volume. Fix: install the"
                    + " bootloader on the converted volume (PARTITION_COPY installs GRUB 2)."));

    private ConsoleCheck() {
    }

    /**
     * A boot failure on a console.
     *
     * @param line  the console line that shows it
     * @param cause its likely cause and fix
     */
    public record Failure(String line, String cause) {
    }

    /** The earliest failure on {@code console}, if any. */
    public static Optional<Failure> failure(String console) {
        Failure first = null;
        int at = Integer.MAX_VALUE;
        for (Sign s : SIGNS) {
            Matcher m = s.pattern.matcher(console);
            if (!m.find()) {
                continue;
            }
            int start = console.lastIndexOf('\n', m.start()) + 1;
            if (start < at) { // on one line, the sign listed first (the more specific) wins
                at = start;
                int end = console.indexOf('\n', m.end());
                first = new Failure(console.substring(start, end < 0 ? console.length() : end).strip(), s.cause);
            }
        }
        return Optional.ofNullable(first);
    }

    private record Sign(Pattern pattern, String cause) {
        Sign(String regex, String cause) {
            this(Pattern.compile(regex), cause);
        }
    }
}
