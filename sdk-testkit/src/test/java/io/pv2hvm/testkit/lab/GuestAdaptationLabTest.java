package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapt-guest job on small ext4 volumes holding the traits of the guest families the lab
 * cannot boot (RHEL-style ifcfg with HWADDR, upstart's hvc0 job, the old udev persistent-net
 * generator, SELinux enforcing) and a symlink that points out of the guest: each trait is
 * neutralised, each changed file keeps its original, a second run changes nothing, and the
 * worker's own file behind the symlink is never touched. The booting families are covered by
 * {@link ServingGuestLabTest}.
 */
@RequiresLab
class GuestAdaptationLabTest {
    private final GuestLab lab = GuestLab.shared();
    private final LocalTransport local = LocalTransport.create();
    private Path stage;

    @BeforeEach
    void stageGuest() throws Exception {
        stage = Files.createTempDirectory("pv2hvm-adapt-");
        write("etc/sysconfig/network-scripts/ifcfg-eth0", "DEVICE=eth0\nBOOTPROTO=dhcp\nHWADDR=12:31:39:0a:0b:0c\nONBOOT=yes\n");
        write("etc/init/hvc0.conf", "start on stopped rc RUNLEVEL=[2345]\nrespawn\nexec /sbin/getty -8 38400 hvc0\n");
        write("lib/udev/rules.d/75-persistent-net-generator.rules", "# generator\n");
        write("etc/udev/rules.d/70-persistent-net.rules",
                "SUBSYSTEM==\"net\", ACTION==\"add\", ATTR{address}==\"12:31:39:0a:0b:0c\", NAME=\"eth0\"\n");
        write("etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n");
        write("etc/cloud/cloud.cfg", "datasource_list: [ Ec2 ]\n");
        Files.createDirectories(stage.resolve("boot"));
    }

    @Test
    void adapt_whenRhelUpstartTraits_neutralisesEachKeepsOriginalsAndIsRerunnable() throws Exception {
        // a symlink aiming at a file of the worker: resolved inside the guest, so the worker's file stays as it is
        Path workerFile = Files.createTempFile("pv2hvm-worker-inittab", "");
        Files.writeString(workerFile, "co:2345:respawn:/sbin/getty 38400 hvc0\n");
        Files.createSymbolicLink(stage.resolve("etc/inittab"), workerFile);
        Path image = build("adapt-rhel-upstart.img");

        CommandResult first;
        CommandResult second;
        try (LoopDevice volume = LoopDevice.attach(image)) {
            first = adapt(volume.device(), "yes");
            second = adapt(volume.device(), "yes");
        }

        assertThat(first.stdout()).contains("CHANGE\t/etc/sysconfig/network-scripts/ifcfg-eth0\t",
                "CHANGE\t/etc/udev/rules.d/75-persistent-net-generator.rules\t", "CHANGE\t/etc/udev/rules.d/70-persistent-net.rules\t",
                "CHANGE\t/etc/init/hvc0.conf\t", "CHANGE\t/etc/init/ttyS0.conf\t", "CHANGE\t/etc/kernel/postinst.d/zz-pv2hvm-boot\t",
                "CHANGE\t/etc/cloud/cloud.cfg.d/99-pv2hvm-keep-instance.cfg\t", "CHANGE\t/.autorelabel\t");
        assertThat(second.stdout()).as("a second run changes nothing").doesNotContain("CHANGE");
        assertThat(Files.readString(workerFile)).isEqualTo("co:2345:respawn:/sbin/getty 38400 hvc0\n");

        assertThat(cat(image, "/etc/sysconfig/network-scripts/ifcfg-eth0")).contains("# pv2hvm: HWADDR=", "BOOTPROTO=dhcp");
        assertThat(cat(image, "/etc/sysconfig/network-scripts/ifcfg-eth0.pv2hvm-orig")).contains("\nHWADDR=12:31:39:0a:0b:0c");
        assertThat(cat(image, "/etc/udev/rules.d/70-persistent-net.rules")).startsWith("# pv2hvm: SUBSYSTEM");
        assertThat(cat(image, "/etc/udev/rules.d/70-persistent-net.rules.pv2hvm-orig")).startsWith("SUBSYSTEM");
        assertThat(cat(image, "/etc/init/ttyS0.conf")).contains("exec /sbin/getty -8 38400 ttyS0");
        assertThat(cat(image, "/etc/init/hvc0.conf.pv2hvm-orig")).contains("hvc0");
        assertThat(cat(image, "/etc/cloud/cloud.cfg.d/99-pv2hvm-keep-instance.cfg")).contains("manual_cache_clean: true");
        assertThat(cat(image, "/etc/pv2hvm/boot.env")).contains("KVER=6.1.0-1-amd64", "TARGET=/boot/extlinux/extlinux.conf");
        Files.deleteIfExists(workerFile);
        Files.deleteIfExists(image);
    }

    @Test
    void adapt_whenTheGuestPlantsALinkWhereTheOriginalIsKept_refusesAndWritesNothingOnTheWorker() throws Exception {
        // A dangling link at the backup's name aims at a worker path: copying the original through it
        // would create that file on the worker, as root.
        Path canary = Files.createTempDirectory("pv2hvm-canary-").resolve("planted");
        Files.createSymbolicLink(stage.resolve("etc/sysconfig/network-scripts/ifcfg-eth0.pv2hvm-orig"), canary);
        Path image = build("adapt-hostile-sibling.img");

        CommandResult r;
        try (LoopDevice volume = LoopDevice.attach(image)) {
            r = local.exec(WorkerScript.ADAPT_GUEST.command(volume.device(), "yes", "/boot/extlinux/extlinux.conf",
                    "6.1.0-1-amd64", "/boot/vmlinuz-6.1.0-1-amd64", "/boot/initrd.img-6.1.0-1-amd64",
                    "LINUX /boot/vmlinuz-6.1.0-1-amd64\n", WorkerScript.guestResource("kernel-hook.sh")));
        }

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("ifcfg-eth0.pv2hvm-orig in the guest is a link");
        assertThat(canary).doesNotExist();
        assertThat(cat(image, "/etc/sysconfig/network-scripts/ifcfg-eth0")).contains("\nHWADDR=12:31:39:0a:0b:0c");
        Files.deleteIfExists(image);
    }

    @Test
    void adapt_whenCloudInitInstanceNotKept_leavesCloudInitAlone() throws Exception {
        Path image = build("adapt-cloud-init-opt-out.img");
        CommandResult r;
        try (LoopDevice volume = LoopDevice.attach(image)) {
            r = adapt(volume.device(), "no");
        }

        assertThat(r.stdout()).doesNotContain("cloud.cfg.d").contains("CHANGE\t/etc/init/ttyS0.conf\t");
        Files.deleteIfExists(image);
    }

    private CommandResult adapt(String device, String keepCloudInit) {
        return local.exec(WorkerScript.ADAPT_GUEST.command(device, keepCloudInit, "/boot/extlinux/extlinux.conf", "6.1.0-1-amd64",
                "/boot/vmlinuz-6.1.0-1-amd64", "/boot/initrd.img-6.1.0-1-amd64", "LINUX /boot/vmlinuz-6.1.0-1-amd64\n",
                WorkerScript.guestResource("kernel-hook.sh"))).orThrow("adapt-guest");
    }

    private Path build(String name) {
        Path image = lab.scratch(name);
        local.exec(Command.of("truncate", "-s", "32M", image.toString())).orThrow("truncate");
        local.exec(Command.of("mkfs.ext4", "-q", "-F", "-d", stage.toString(), image.toString())).orThrow("mkfs.ext4");
        return image;
    }

    private String cat(Path image, String file) {
        return local.exec(Command.of("debugfs", "-R", "cat " + file, image.toString())).orThrow("debugfs cat " + file).stdout();
    }

    private void write(String relative, String text) throws Exception {
        Path p = stage.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
