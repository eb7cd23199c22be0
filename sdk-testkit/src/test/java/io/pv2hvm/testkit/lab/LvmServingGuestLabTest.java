package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.GuestChange;
import io.pv2hvm.core.guest.GuestLayout;
import io.pv2hvm.core.guest.ImageConversion;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.transport.LocalTransport;
import io.pv2hvm.testkit.lab.QemuBoot.Disk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full-userland guest with its root on LVM ({@code /boot} on partition 1, VolGroup00/LogVol00 on
 * partition 2, as RHEL/CentOS installers lay it out), converted IN_PLACE for Nitro without the
 * worker activating its volume group, serves: booted by BIOS on NVMe with a new MAC and its data
 * volumes, its own initramfs activates the group, it reaches multi-user, mounts {@code /data} and
 * serves its page with {@code /} on the LV; then it installs its newer kernel with its own apt,
 * reboots and serves on that kernel, still from the LV. One conversion and one guest session.
 */
@RequiresLab
@Execution(ExecutionMode.CONCURRENT)
class LvmServingGuestLabTest {
    private static final String LV = "/dev/mapper/VolGroup00-LogVol00";
    private static final String HVM_MAC = "52:54:00:0b:00:40";

    @Test
    void lvmRootGuest_convertedInPlaceForNitro_servesFromItsLvWithNewMacAndDataVolume_andAfterItsOwnKernelUpdate() throws Exception {
        GuestLab lab = GuestLab.shared();
        UserlandImage img = lab.userlandOnLvm();
        assertThat(Files.readString(Path.of(img.root() + ".pv-page"))).as("the PV instance served from its LV")
                .contains("guest=lab-sysvinit", "root-source=" + LV);
        Path disk = lab.copyOf(img.root(), "serving-lvm.img");
        try {
            ConversionResult result = ImageConversion.of(disk).strategy(ConversionStrategy.IN_PLACE).target(TargetPlatform.NITRO)
                    .dataVolume("/dev/xvdf", img.dataF()).writeTo(disk);

            assertThat(result.facts().layout().kind()).isEqualTo(GuestLayout.Kind.LVM);
            assertThat(result.facts().layout().lvmRoot()).hasValueSatisfying(l -> assertThat(l.mapperPath()).isEqualTo(LV));
            assertThat(result.changes()).extracting(GuestChange::path)
                    .contains("/etc/udev/rules.d/70-persistent-net.rules", "/etc/inittab", "/etc/kernel/postinst.d/zz-pv2hvm-boot",
                            "/etc/fstab", "/boot/grub/grub.cfg");
            assertThat(result.changes()).anyMatch(c -> c.path().equals("/etc/fstab") && c.reason().contains("/data by UUID="));

            try (LiveGuest guest = LiveGuest.start(lab.workDir().resolve("boot-logs"), "serving-lvm",
                    LiveGuest.Options.bios(Disk.NVME, HVM_MAC), disk, List.of(img.dataF(), img.dataG()))) {
                guest.login(Duration.ofMinutes(12));
                String first = guest.httpGet("/cgi-bin/page", Duration.ofMinutes(4));
                String mounts = guest.run("findmnt -no SOURCE /; findmnt -no SOURCE,UUID /data; runlevel", Duration.ofMinutes(1));
                String dataUuid = LocalTransport.create().exec(Command.of("blkid", "-p", "-s", "UUID", "-o", "value", img.dataF().toString()))
                        .orThrow("blkid").stdout().strip();

                assertThat(first).contains("guest=lab-sysvinit", "kernel=" + img.kernel(), "init=init", "data=data-f", "data2=data-g",
                        "mac=" + HVM_MAC);
                assertThat(mounts).as("/ on the LV the guest's initramfs activated, /data by UUID on NVMe, multi-user")
                        .containsPattern("(?m)^" + LV + "$").containsPattern("(?m)^/dev/nvme[0-9]n1\\s+" + dataUuid + "$")
                        .containsPattern("(?m)^N 2$");

                // its next kernel, with its own apt; the kernel hook renders grub.cfg on /boot for it, keeping root= on the LV
                guest.run("mkdir -p /var/lib/apt/lists/partial; DEBIAN_FRONTEND=noninteractive apt-get -y -q install"
                        + " /root/kernel-update/linux-image-*.deb >/root/kernel-update.log 2>&1"
                        + " || { tail -30 /root/kernel-update.log; false; }", Duration.ofMinutes(20));
                String conf = guest.run("cat /boot/grub/grub.cfg", Duration.ofMinutes(1));
                assertThat(conf).contains("linux /vmlinuz-" + img.updateKernel() + " root=" + LV + " ").doesNotContain(img.kernel());
                guest.reboot(Duration.ofMinutes(5));
                guest.login(Duration.ofMinutes(12));
                String updated = guest.httpGet("/cgi-bin/page", Duration.ofMinutes(4));
                String rootAfter = guest.run("findmnt -no SOURCE /", Duration.ofMinutes(1));

                assertThat(updated).contains("kernel=" + img.updateKernel(), "data=data-f", "data2=data-g", "mac=" + HVM_MAC);
                assertThat(rootAfter.strip()).isEqualTo(LV);
                guest.type("poweroff");
                guest.awaitExit(Duration.ofMinutes(2));
            }
        } finally {
            Files.deleteIfExists(disk);
        }
    }
}
