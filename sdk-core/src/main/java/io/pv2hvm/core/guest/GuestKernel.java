package io.pv2hvm.core.guest;

import java.util.Optional;
import java.util.Set;

/**
 * One kernel installed in the guest's {@code /boot}.
 *
 * @param version          the version string, e.g. {@code 6.1.0-56-amd64} or {@code 2.6.18-419.el5xen}
 * @param path             the kernel image, e.g. {@code /boot/vmlinuz-6.1.0-56-amd64}
 * @param initrd           its initramfs, if one exists
 * @param pvOnlyReason     why the kernel can only boot as Xen PV ({@code CONFIG_X86_64_XEN=y}, a
 *                         {@code xen} flavour), empty if it can boot HVM
 * @param initramfsListed  whether inspection could read the initramfs's file list
 * @param initramfsDrivers drivers found in the initramfs
 * @param moduleDrivers    drivers present as modules under {@code /lib/modules/<version>}
 * @param builtinDrivers   drivers compiled into the kernel ({@code modules.builtin})
 * @param xenPvhvm         whether its config has {@code CONFIG_XEN_PVHVM=y}: on Xen HVM such a kernel
 *                         unplugs the emulated IDE disks at boot and reads them through its PV drivers
 */
public record GuestKernel(String version, String path, Optional<String> initrd, String pvOnlyReason,
                          boolean initramfsListed, Set<String> initramfsDrivers, Set<String> moduleDrivers,
                          Set<String> builtinDrivers, boolean xenPvhvm) {
    /** Defensive copies. */
    public GuestKernel {
        initramfsDrivers = Set.copyOf(initramfsDrivers);
        moduleDrivers = Set.copyOf(moduleDrivers);
        builtinDrivers = Set.copyOf(builtinDrivers);
    }

    /** A kernel whose config does not say {@code CONFIG_XEN_PVHVM=y} (or has no config), as older inspections reported it. */
    public GuestKernel(String version, String path, Optional<String> initrd, String pvOnlyReason, boolean initramfsListed,
                       Set<String> initramfsDrivers, Set<String> moduleDrivers, Set<String> builtinDrivers) {
        this(version, path, initrd, pvOnlyReason, initramfsListed, initramfsDrivers, moduleDrivers, builtinDrivers, false);
    }

    /** Whether this kernel cannot boot as HVM (a Xen PV-only build). */
    public boolean pvOnly() {
        return !pvOnlyReason.isEmpty();
    }

    /** Whether the driver is available at boot: built in, or in the initramfs. */
    public boolean bootsWith(String driver) {
        return builtinDrivers.contains(driver) || initramfsDrivers.contains(driver);
    }

    /**
     * Whether, on Xen HVM, this kernel unplugs the emulated disks and so finds its root only through
     * its PV block driver: an upstream kernel built with {@code CONFIG_XEN_PVHVM=y}, or a RHEL 5-style
     * kernel carrying the {@code xen-platform-pci} PV-on-HVM module (kmod-xenpv), which unplugs them
     * when it loads.
     */
    public boolean unplugsEmulatedDisks() {
        return xenPvhvm || hasModule("xen_platform_pci") || bootsWith("xen_platform_pci");
    }

    /** Whether an initramfs rebuild could add the driver: it exists as a module for this kernel. */
    public boolean hasModule(String driver) {
        return moduleDrivers.contains(driver);
    }
}
