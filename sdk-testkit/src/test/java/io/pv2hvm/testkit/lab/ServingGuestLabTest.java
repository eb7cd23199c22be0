package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.GuestChange;
import io.pv2hvm.core.guest.ImageConversion;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.testkit.lab.QemuBoot.Disk;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Full-userland guests converted by pv2hvm serve under HVM: booted by BIOS with a different MAC
 * than the PV instance had and the data volumes attached, each reaches multi-user through its
 * own init, logs in on the ttyS0 getty, answers HTTP from the host with its page (network up on
 * the new NIC, data volumes mounted), then installs the newer kernel with its own dpkg, reboots
 * and serves on it, removes the old kernel, reboots and serves again. The systemd guest goes to
 * Nitro (NVMe, PARTITION_COPY + GRUB2), the sysvinit guest to Xen HVM (IDE, IN_PLACE + extlinux);
 * both scenarios run at the same time (two QEMU at most).
 */
@RequiresLab
@Execution(ExecutionMode.CONCURRENT)
class ServingGuestLabTest {
    private static final String HVM_MAC = "52:54:00:0b:00:";
    private static final Pattern KV = Pattern.compile("(?m)^kernel=(\\S+)$");
    private static final Map<UserlandFixture, CompletableFuture<Outcome>> RUNS = new LinkedHashMap<>();

    /** What one scenario saw. */
    record Outcome(UserlandImage image, ConversionResult result, String firstPage, String dataSource, String offeredInstanceId,
                   String bootConfigAfterUpdate,
                   String updatedPage, String afterRemovalPage, String bootAfterRemoval, Map<String, Duration> timings) {
    }

    @BeforeAll
    static void startBothScenarios() {
        GuestLab lab = GuestLab.shared();
        RUNS.put(UserlandFixture.SYSTEMD, CompletableFuture.supplyAsync(() -> scenario(lab, UserlandFixture.SYSTEMD,
                ConversionStrategy.PARTITION_COPY, TargetPlatform.NITRO, Disk.NVME)));
        RUNS.put(UserlandFixture.SYSVINIT, CompletableFuture.supplyAsync(() -> scenario(lab, UserlandFixture.SYSVINIT,
                ConversionStrategy.IN_PLACE, TargetPlatform.XEN_HVM, Disk.IDE)));
    }

    @Test
    void systemdGuest_whenCloudInitInstanceNotKept_runsUserDataAgainOnTheNewInstanceId() throws Exception {
        // the control for the test above: without pv2hvm's setting, cloud-init sees the new instance id and re-runs user data
        assertThat(pageWithCloudInitInstanceNotKept(GuestLab.shared())).contains("guest=lab-systemd", "userdata-runs=2");
    }

    @Test
    void systemdGuest_convertedForNitro_servesWithNewMacAndDataVolumes_andAfterItsOwnKernelUpdate() throws Exception {
        Outcome o = RUNS.get(UserlandFixture.SYSTEMD).get();

        assertServed(o, "systemd", "/dev/nvme[0-9]n1");
        // AWS's NVMe I/O timeout for Nitro: in the converted boot configuration and, through the guest's own
        // kernel hook, in the one it renders for its next kernel
        assertThat(o.bootConfigAfterUpdate()).contains("nvme_core.io_timeout=4294967295");
        assertThat(o.bootAfterRemoval()).contains("nvme_core.io_timeout=4294967295");
        assertThat(o.result().changes()).extracting(GuestChange::path)
                .contains("/etc/udev/rules.d/70-persistent-net.rules", "/etc/systemd/network/10-eth0.link",
                        "/etc/systemd/system/getty.target.wants/serial-getty@hvc0.service",
                        "/etc/cloud/cloud.cfg.d/99-pv2hvm-keep-instance.cfg", "/etc/kernel/postinst.d/zz-pv2hvm-boot",
                        "/etc/fstab", "/boot/grub/grub.cfg");
        // cloud-init ran the user-data script once, as the PV instance; the new instance id (SMBIOS) did not run it again
        assertThat(o.offeredInstanceId()).contains("ds=nocloud;i=i-0b100000000000001");
        assertThat(o.firstPage()).contains("userdata-runs=1");
        assertThat(o.updatedPage()).contains("userdata-runs=1");
        assertThat(o.afterRemovalPage()).contains("userdata-runs=1");
    }

    @Test
    void sysvinitGuest_convertedForXenHvm_servesWithNewMacAndDataVolumes_andAfterItsOwnKernelUpdate() throws Exception {
        Outcome o = RUNS.get(UserlandFixture.SYSVINIT).get();

        assertServed(o, "init", "/dev/sd[a-z]");
        assertThat(o.bootConfigAfterUpdate()).as("Xen HVM needs no NVMe timeout").doesNotContain("io_timeout");
        assertThat(o.result().changes()).extracting(GuestChange::path)
                .contains("/etc/udev/rules.d/70-persistent-net.rules", "/etc/systemd/network/10-eth0.link", "/etc/inittab",
                        "/etc/kernel/postinst.d/zz-pv2hvm-boot", "/etc/fstab", "/boot/extlinux/extlinux.conf")
                .doesNotContain("/etc/cloud/cloud.cfg.d/99-pv2hvm-keep-instance.cfg");
    }

    private static void assertServed(Outcome o, String init, String dataDevicePattern) {
        UserlandImage img = o.image();
        String mac = HVM_MAC + (img.fixture().ordinal() + 10);
        assertThat(mac).isNotEqualTo(img.fixture().pvMac());
        assertThat(o.firstPage()).contains("guest=lab-" + img.fixture().init(), "kernel=" + img.kernel(), "init=" + init,
                "data=data-f", "data2=data-g", "mac=" + mac);
        // /dev/xvdf was rewritten to the volume's UUID and found under its HVM name
        String uuid = io.pv2hvm.core.transport.LocalTransport.create()
                .exec(io.pv2hvm.core.spi.Command.of("blkid", "-p", "-s", "UUID", "-o", "value", img.dataF().toString()))
                .orThrow("blkid").stdout().strip();
        assertThat(o.dataSource().strip()).matches(dataDevicePattern + "\\s+" + uuid);
        assertThat(o.result().changes()).anyMatch(c -> c.path().equals("/etc/fstab") && c.reason().contains("/data by UUID="));
        // the guest's own kernel hook moved the HVM boot configuration to the new kernel
        // ... and named it in the entry's title too
        assertThat(o.bootConfigAfterUpdate()).contains("vmlinuz-" + img.updateKernel()).doesNotContain(img.kernel());
        assertThat(kernelOf(o.updatedPage())).isEqualTo(img.updateKernel());
        assertThat(o.updatedPage()).contains("data=data-f", "data2=data-g", "mac=" + mac);
        // removing the old kernel left a guest that boots the new one and serves
        assertThat(o.bootAfterRemoval()).doesNotContain("vmlinuz-" + img.kernel()).contains("vmlinuz-" + img.updateKernel());
        assertThat(kernelOf(o.afterRemovalPage())).isEqualTo(img.updateKernel());
        assertThat(o.afterRemovalPage()).contains("data=data-f", "data2=data-g");
        System.out.println(img.fixture() + " timings: " + o.timings());
    }

    private static String kernelOf(String page) {
        Matcher m = KV.matcher(page);
        return m.find() ? m.group(1) : "none in page:\n" + page;
    }

    private static Outcome scenario(GuestLab lab, UserlandFixture fixture, ConversionStrategy strategy, TargetPlatform target,
                                    Disk disk) {
        Map<String, Duration> t = new LinkedHashMap<>();
        long s0 = System.nanoTime();
        UserlandImage img = lab.userland(fixture);
        t.put("fixture", since(s0));
        String name = "serving-" + fixture.init();
        Path pv = lab.copyOf(img.root(), name + "-pv.img");
        Path hvm = strategy == ConversionStrategy.IN_PLACE ? pv : lab.scratch(name + "-hvm.img");
        long s1 = System.nanoTime();
        ConversionResult result = ImageConversion.of(pv).strategy(strategy).target(target)
                .targetSize(strategy == ConversionStrategy.PARTITION_COPY ? sizeOf(pv) + (64L << 20) : 0)
                .dataVolume("/dev/xvdf", img.dataF()).writeTo(hvm);
        t.put("convert", since(s1));
        String mac = HVM_MAC + (fixture.ordinal() + 10);
        if (fixture.hasCloudInit()) {
            newInstanceId(hvm, "i-0b" + (fixture.ordinal() + 10) + "0000000000001");
        }
        String bootConfig = strategy == ConversionStrategy.IN_PLACE ? "/boot/extlinux/extlinux.conf" : "/boot/grub/grub.cfg";
        long s2 = System.nanoTime();
        try (LiveGuest guest = LiveGuest.start(lab.workDir().resolve("boot-logs"), name, LiveGuest.Options.bios(disk, mac)
                .withInstanceId("i-0b" + (fixture.ordinal() + 10) + "0000000000001"), hvm,
                List.of(img.dataF(), img.dataG()))) {
            guest.login(Duration.ofMinutes(12));
            awaitBootFinished(guest, fixture);
            String first = guest.httpGet("/cgi-bin/page", Duration.ofMinutes(4));
            String dataSource = guest.run("findmnt -no SOURCE,UUID /data", Duration.ofMinutes(1));
            String offered = guest.run("cat /sys/class/dmi/id/product_serial", Duration.ofMinutes(1));
            t.put("boot-and-serve", since(s2));

            long s3 = System.nanoTime();
            // offline, with the guest's own apt; bookworm's linux-base already satisfies the kernel's pre-dependency
            guest.run("mkdir -p /var/lib/apt/lists/partial; DEBIAN_FRONTEND=noninteractive apt-get -y -q install"
                    + " /root/kernel-update/linux-image-*.deb >/root/kernel-update.log 2>&1"
                    + " || { tail -30 /root/kernel-update.log; false; }", Duration.ofMinutes(20));
            String conf = guest.run("cat " + bootConfig, Duration.ofMinutes(1));
            guest.reboot(Duration.ofMinutes(5));
            guest.login(Duration.ofMinutes(12));
            awaitBootFinished(guest, fixture);
            String updated = guest.httpGet("/cgi-bin/page", Duration.ofMinutes(4));
            t.put("kernel-update-and-reboot", since(s3));

            long s4 = System.nanoTime();
            guest.run("DEBIAN_FRONTEND=noninteractive apt-get -y -q remove linux-image-" + img.kernel() + " >/root/kernel-remove.log 2>&1"
                    + " || { tail -30 /root/kernel-remove.log; false; }", Duration.ofMinutes(10));
            String bootNow = guest.run("cat " + bootConfig + "; ls /boot", Duration.ofMinutes(1));
            guest.reboot(Duration.ofMinutes(5));
            guest.login(Duration.ofMinutes(12));
            awaitBootFinished(guest, fixture);
            String afterRemoval = guest.httpGet("/cgi-bin/page", Duration.ofMinutes(4));
            t.put("old-kernel-removal-and-reboot", since(s4));
            guest.type("poweroff");
            guest.awaitExit(Duration.ofMinutes(2));
            return new Outcome(img, result, first, dataSource, offered, conf, updated, afterRemoval, bootNow, t);
        } finally {
            delete(pv);
            delete(hvm);
        }
    }

    /**
     * Lets the boot finish before the guest is read: systemd's pending jobs (a data volume's mount
     * waits for udev to name its device, which takes long under TCG; a failed mount leaves the
     * system degraded and /data unmounted, which the assertions see), and cloud-init's stages, so
     * a user-data script that would run again has run.
     */
    private static void awaitBootFinished(LiveGuest guest, UserlandFixture fixture) {
        if (fixture.init().equals("systemd")) {
            guest.run("systemctl is-system-running --wait || true", Duration.ofMinutes(8));
        }
        if (fixture.hasCloudInit()) {
            guest.run(LiveGuest.AWAIT_CLOUD_INIT, Duration.ofMinutes(10));
        }
    }

    private static String pageWithCloudInitInstanceNotKept(GuestLab lab) {
        UserlandImage img = lab.userland(UserlandFixture.SYSTEMD);
        Path pv = lab.copyOf(img.root(), "cloud-init-not-kept-pv.img");
        Path hvm = lab.scratch("cloud-init-not-kept-hvm.img");
        try {
            ImageConversion.of(pv).strategy(ConversionStrategy.PARTITION_COPY).target(TargetPlatform.NITRO)
                    .targetSize(sizeOf(pv) + (64L << 20)).dataVolume("/dev/xvdf", img.dataF()).keepCloudInitInstance(false).writeTo(hvm);
            newInstanceId(hvm, "i-0b300000000000001");
            try (LiveGuest guest = LiveGuest.start(lab.workDir().resolve("boot-logs"), "cloud-init-not-kept",
                    LiveGuest.Options.bios(Disk.NVME, HVM_MAC + "30").withInstanceId("i-0b300000000000001"), hvm,
                    List.of(img.dataF(), img.dataG()))) {
                guest.login(Duration.ofMinutes(12));
                guest.run(LiveGuest.AWAIT_CLOUD_INIT, Duration.ofMinutes(10));
                String page = guest.httpGet("/cgi-bin/page", Duration.ofMinutes(4));
                guest.type("poweroff");
                guest.awaitExit(Duration.ofMinutes(2));
                return page;
            }
        } finally {
            delete(pv);
            delete(hvm);
        }
    }

    /**
     * The new instance's metadata: the lab's metadata source is the NoCloud seed on the root, so the
     * converted image's seed gets the new instance id, as EC2's metadata service gives a new instance
     * its own (NoCloud's quick instance check reads the seed and the kernel command line, not SMBIOS).
     */
    private static void newInstanceId(Path partitionedImage, String instanceId) {
        io.pv2hvm.core.transport.LocalTransport local = io.pv2hvm.core.transport.LocalTransport.create();
        String start = local.exec(io.pv2hvm.core.spi.Command.of("partx", "-g", "-o", "START", "-n", "1", partitionedImage.toString()))
                .orThrow("partx").stdout().strip();
        Path metaData = partitionedImage.resolveSibling(partitionedImage.getFileName() + ".meta-data");
        try {
            Files.writeString(metaData, "instance-id: " + instanceId + "\nlocal-hostname: lab-systemd\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String fs = partitionedImage + "?offset=" + Long.parseLong(start) * 512;
        Path commands = partitionedImage.resolveSibling(partitionedImage.getFileName() + ".debugfs");
        try {
            Files.writeString(commands, "cd /var/lib/cloud/seed/nocloud\nrm meta-data\nwrite " + metaData + " meta-data\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        local.exec(io.pv2hvm.core.spi.Command.of("debugfs", "-w", "-f", commands.toString(), fs)).orThrow("debugfs write");
        delete(commands);
        String now = local.exec(io.pv2hvm.core.spi.Command.of("debugfs", "-R", "cat /var/lib/cloud/seed/nocloud/meta-data", fs))
                .orThrow("debugfs cat").stdout();
        if (!now.contains(instanceId)) {
            throw new IllegalStateException("could not give the converted image instance id " + instanceId + ": " + now);
        }
        delete(metaData);
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start).withNanos(0);
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            // scratch space; the next run replaces it
        }
    }
}
