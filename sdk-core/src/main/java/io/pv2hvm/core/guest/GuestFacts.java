package io.pv2hvm.core.guest;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What inspection found on a guest root volume: everything the conversion decides on, read
 * without writing a byte.
 *
 * @param device          the volume inspected
 * @param partitioned     whether the volume has a partition table (PV roots normally do not)
 * @param filesystem      the root filesystem
 * @param os              the operating system
 * @param bootConfig      the bootloader configuration file the default entry came from
 *                        ({@code /boot/grub/menu.lst}, {@code grub.conf}, {@code grub.cfg}); empty if none
 * @param defaultEntry    the entry the bootloader boots by default, if one was found
 * @param kernels         every kernel in {@code /boot}
 * @param fstab           the entries of {@code /etc/fstab}
 * @param consoles        consoles the guest uses: {@code console=} arguments of the default entry
 *                        and gettys in {@code /etc/inittab} (e.g. {@code hvc0})
 * @param initramfsTools  initramfs builders installed in the guest ({@code update-initramfs},
 *                        {@code dracut}, {@code mkinitrd})
 * @param startup         its init, cloud-init, SELinux and network naming
 * @param layout          partition table, root partition, separate {@code /boot}, LVM
 */
public record GuestFacts(String device, boolean partitioned, GuestFilesystem filesystem, GuestOs os,
                         String bootConfig, Optional<BootEntry> defaultEntry, List<GuestKernel> kernels,
                         List<FstabEntry> fstab, List<String> consoles, Set<String> initramfsTools,
                         GuestStartup startup, GuestLayout layout) {
    /** Defensive copies. */
    public GuestFacts {
        Objects.requireNonNull(startup, "startup");
        Objects.requireNonNull(layout, "layout");
        kernels = List.copyOf(kernels);
        fstab = List.copyOf(fstab);
        consoles = List.copyOf(consoles);
        initramfsTools = Set.copyOf(initramfsTools);
    }

    /** Facts of a guest on an unpartitioned volume ({@link GuestLayout#wholeDisk()}). */
    public GuestFacts(String device, boolean partitioned, GuestFilesystem filesystem, GuestOs os, String bootConfig,
                      Optional<BootEntry> defaultEntry, List<GuestKernel> kernels, List<FstabEntry> fstab,
                      List<String> consoles, Set<String> initramfsTools, GuestStartup startup) {
        this(device, partitioned, filesystem, os, bootConfig, defaultEntry, kernels, fstab, consoles, initramfsTools,
                startup, GuestLayout.wholeDisk());
    }

    /**
     * Whether the guest's init mounts /etc/fstab once, early in boot, and never again: sysvinit, and
     * RHEL-style upstart (rc.sysinit). A volume attached later stays unmounted until the next boot;
     * systemd and mountall mount devices as they appear.
     */
    public boolean mountsFstabOnce() {
        return startup.mountsFstabOnce();
    }

    /** The guest's init, as {@link GuestStartup#init()} names it. */
    public String init() {
        return startup.init();
    }

    /** Facts without startup details ({@link GuestStartup#unknown()}), as older inspections reported them. */
    public GuestFacts(String device, boolean partitioned, GuestFilesystem filesystem, GuestOs os, String bootConfig,
                      Optional<BootEntry> defaultEntry, List<GuestKernel> kernels, List<FstabEntry> fstab,
                      List<String> consoles, Set<String> initramfsTools) {
        this(device, partitioned, filesystem, os, bootConfig, defaultEntry, kernels, fstab, consoles, initramfsTools,
                GuestStartup.unknown());
    }

    /** The kernel the default boot entry starts, if it is installed. */
    public Optional<GuestKernel> defaultKernel() {
        return defaultEntry.flatMap(e -> kernels.stream().filter(k -> k.path().equals(e.kernel())).findFirst());
    }

    /** The fstab entry of the root filesystem, if there is one. */
    public Optional<FstabEntry> rootFstabEntry() {
        return fstab.stream().filter(FstabEntry::isRoot).findFirst();
    }
}
