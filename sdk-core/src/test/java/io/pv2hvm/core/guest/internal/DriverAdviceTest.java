package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.guest.GuestOs;
import io.pv2hvm.core.guest.TargetPlatform;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DriverAdviceTest {
    private static String nitro(GuestOs os) {
        return DriverAdvice.forMissing(os, TargetPlatform.NITRO, "ena");
    }

    @Test
    void forMissing_onNitro_namesTheFamilysKernelOrDriverAndTheXenHvmTypes() {
        assertThat(nitro(new GuestOs("centos", "6.10", "CentOS release 6.10 (Final)", "/etc/redhat-release")))
                .contains("ENA driver", "DKMS", "amzn-drivers", "kmod-ena", "t2, m4, c4, r4");
        assertThat(nitro(new GuestOs("amzn", "2018.03", "Amazon Linux AMI 2018.03", "/etc/os-release")))
                .contains("yum install kernel", "t2, m4, c4, r4");
        assertThat(nitro(new GuestOs("ubuntu", "14.04", "Ubuntu 14.04.6 LTS", "/etc/os-release")))
                .contains("apt-get install linux-aws");
        assertThat(nitro(new GuestOs("debian", "8", "Debian GNU/Linux 8 (jessie)", "/etc/os-release")))
                .contains("-backports linux-image-amd64", "jessie-backports");
        assertThat(nitro(new GuestOs("sles", "11", "SUSE Linux Enterprise Server 11 (x86_64)", "/etc/SuSE-release")))
                .contains("SLES 12 SP2", "zypper migration", "SLES 11 has no ena");
        assertThat(nitro(new GuestOs("centos", "5.11", "CentOS release 5.11 (Final)", "/etc/redhat-release")))
                .contains("has no kernel with nvme or ena", "t2, m4, c4, r4").doesNotContain("DKMS");
        assertThat(nitro(GuestOs.unknown())).contains("Install a kernel that has nvme and ena", "t2, m4, c4, r4");
    }

    @Test
    void forMissing_onXenHvm_namesRhel5sPvOnHvmDriversAndSusesKmp() {
        assertThat(DriverAdvice.forMissing(new GuestOs("centos", "5.2", "CentOS release 5.2 (Final)", "/etc/redhat-release"),
                TargetPlatform.XEN_HVM, "xen_blkfront or xen_vbd")).contains("xen-vbd", "xen-platform-pci", "kmod-xenpv", "yum update kernel");
        assertThat(DriverAdvice.forMissing(new GuestOs("sles", "11.4", "SUSE Linux Enterprise Server 11 SP4", "/etc/os-release"),
                TargetPlatform.XEN_HVM, "xen_blkfront or xen_vbd")).contains("xen-kmp-default");
        assertThat(DriverAdvice.forMissing(new GuestOs("debian", "7", "Debian GNU/Linux 7", "/etc/os-release"),
                TargetPlatform.XEN_HVM, "xen_blkfront or xen_vbd")).contains("has xen_blkfront or xen_vbd");
    }
}
