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
 */
public record GuestKernel(String version, String path, Optional<String> initrd, String pvOnlyReason,
                          boolean initramfsListed, Set<String> initramfsDrivers, Set<String> moduleDrivers,
                          Set<String> builtinDrivers) {
    /** Defensive copies. */
    public GuestKernel {
        initramfsDrivers = Set.copyOf(initramfsDrivers);
        moduleDrivers = Set.copyOf(moduleDrivers);
        builtinDrivers = Set.copyOf(builtinDrivers);
    }

    /** Whether this kernel cannot boot as HVM (a Xen PV-only build). */
    public boolean pvOnly() {
        return !pvOnlyReason.isEmpty();
    }

    /** Whether the driver is available at boot: built in, or in the initramfs. */
    public boolean bootsWith(String driver) {
        return builtinDrivers.contains(driver) || initramfsDrivers.contains(driver);
    }

    /** Whether an initramfs rebuild could add the driver: it exists as a module for this kernel. */
    public boolean hasModule(String driver) {
        return moduleDrivers.contains(driver);
    }
}
