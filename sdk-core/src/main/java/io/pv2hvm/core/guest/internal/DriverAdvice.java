package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.guest.GuestOs;
import io.pv2hvm.core.guest.TargetPlatform;

/**
 * What a guest whose kernel lacks the target's drivers should do, said for its family: the kernel
 * or driver package that has them there, or an instance type that needs none of them. Nitro needs
 * {@code nvme} and {@code ena}; the Xen HVM types (t2, m4, c4, r4) need only a Xen PV block driver,
 * which every family's HVM-capable kernel has.
 */
final class DriverAdvice {
    private static final String XEN_HVM_TYPES = "choose a Xen HVM instance type (t2, m4, c4, r4), which needs neither nvme nor ena";

    private DriverAdvice() {
    }

    /** The fix for {@code os} when its kernel has no module for {@code missing} on {@code target}. */
    static String forMissing(GuestOs os, TargetPlatform target, String missing) {
        if (target == TargetPlatform.XEN_HVM) {
            return xenHvm(os, missing);
        }
        String id = os.id();
        int major = os.majorVersion();
        if (id.equals("amzn") && !os.version().equals("2")) {
            return "Install the newest Amazon Linux AMI kernel, which has nvme and ena (yum install kernel, then make it"
                    + " the default in /boot/grub/menu.lst), or " + XEN_HVM_TYPES + ".";
        }
        if (id.equals("ubuntu")) {
            return "Install the AWS-tuned kernel, which has nvme and ena: apt-get install linux-aws (Ubuntu 16.04 and"
                    + " later; on 14.04 linux-generic-lts-xenial), or " + XEN_HVM_TYPES + ".";
        }
        if (id.equals("debian")) {
            return "Install a backports kernel, which has nvme and ena: apt-get install -t <release>-backports"
                    + " linux-image-amd64 (e.g. jessie-backports on Debian 8), or " + XEN_HVM_TYPES + ".";
        }
        if (os.isSuseFamily()) {
            return "SLES 12 SP2 and later kernels (kernel-default) have nvme and ena: migrate the guest with zypper"
                    + " migration and boot that kernel; SLES 11 has no ena, so " + XEN_HVM_TYPES + ".";
        }
        if (os.isRedHatFamily() && major == 5) {
            return os.name() + " has no kernel with nvme or ena: " + XEN_HVM_TYPES + ".";
        }
        if (os.isRedHatFamily() && major == 6) {
            return "Build the ENA driver for this kernel with DKMS (github.com/amzn/amzn-drivers, kernel/linux/ena; or"
                    + " elrepo's kmod-ena) and use a RHEL 6.5+ kernel for nvme, or " + XEN_HVM_TYPES + ".";
        }
        if (os.isRedHatFamily()) {
            return "Update the kernel (yum update kernel) to one that has nvme and ena, or " + XEN_HVM_TYPES + ".";
        }
        return "Install a kernel that has nvme and ena, or " + XEN_HVM_TYPES + ".";
    }

    private static String xenHvm(GuestOs os, String missing) {
        if (os.isRedHatFamily() && os.majorVersion() == 5) {
            return "RHEL 5's PV-on-HVM drivers (xen-vbd, xen-platform-pci) come with its kernel from 5.3 on (kmod-xenpv on"
                    + " 5.1-5.2): yum update kernel, and make that kernel the default.";
        }
        if (os.isSuseFamily()) {
            return "Install SUSE's Xen PV-on-HVM drivers for this kernel (xen-kmp-default, which provides xen-vbd and"
                    + " xen-platform-pci), or a kernel-default that has xen-blkfront.";
        }
        return "Install a kernel that has " + missing + " (the distribution's generic kernel has xen-blkfront).";
    }
}
