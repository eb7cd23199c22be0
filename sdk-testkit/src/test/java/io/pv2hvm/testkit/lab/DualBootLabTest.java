package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.GuestConverter;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestInspector;
import io.pv2hvm.core.guest.GuestKernel;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.transport.LocalTransport;
import io.pv2hvm.testkit.lab.QemuBoot.Disk;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DUAL_BOOT's live-source mode on real disks: the Debian guest whose initramfs lacks nvme is
 * mounted read-write, as a running source's root is, and prepared through its mount point (the
 * jobs never mount or unmount it). The same image then boots as PV, QEMU loading the kernel,
 * initrd and arguments its unchanged menu.lst names (the lab's PV-GRUB stand-in), and as HVM,
 * BIOS through extlinux in the volume's own boot sector on NVMe. Two boots in all; the other
 * cases (consoles, refusals) boot nothing.
 */
@RequiresLab
class DualBootLabTest {
    private static final LocalTransport LOCAL = LocalTransport.create();
    private final GuestLab lab = GuestLab.shared();

    @Test
    void dualBoot_onTheMountedLiveRoot_bootsAsPvFromItsMenuAndAsHvmFromTheSameImage() throws Exception {
        Path image = lab.copyOf(Fixture.DEBIAN_WITHOUT_NVME, "dual-boot.img");
        String menuBefore = debugfsCat(image, "/boot/grub/menu.lst");
        String fstabBefore = debugfsCat(image, "/etc/fstab");

        ConversionResult result;
        Path live = Files.createTempDirectory(Files.createDirectories(lab.workDir()), "dual-boot-live");
        try (LoopDevice loop = LoopDevice.attach(image)) {
            LOCAL.exec(Command.of("mount", "-o", "rw", loop.device(), live.toString())).orThrow("mount the live root");
            try {
                result = GuestConverter.on(LOCAL).forTarget(TargetPlatform.NITRO).dualBoot(live.toString());
                // still mounted where it was: the live root was never unmounted under the running guest
                assertThat(LOCAL.exec(Command.of("mountpoint", "-q", live.toString())).exitCode()).isZero();
            } finally {
                LOCAL.exec(Command.of("umount", live.toString())).orThrow("umount the live root");
            }
            awaitUnmountedEverywhere(loop.device());
            // read back offline: the initramfs now carries the target's drivers and still Xen's block driver
            GuestFacts after = GuestInspector.on(LOCAL).inspect(loop.device());
            GuestKernel kernel = after.defaultKernel().orElseThrow();
            assertThat(List.of("nvme", "ena", "xen_blkfront")).allMatch(kernel::bootsWith);
            assertThat(after.bootConfig()).isEqualTo("/boot/grub/menu.lst");
        }
        Files.deleteIfExists(live);

        assertThat(result.strategy()).isEqualTo(ConversionStrategy.DUAL_BOOT);
        assertThat(result.driversAdded()).containsExactlyInAnyOrder("nvme", "ena");
        String menuAfter = debugfsCat(image, "/boot/grub/menu.lst");
        assertThat(menuAfter).as("PV-GRUB's menu is untouched").isEqualTo(menuBefore).contains("console=hvc0");
        String extlinux = debugfsCat(image, "/boot/extlinux/extlinux.conf");
        assertThat(extlinux).contains("root=UUID=" + result.rootUuid()).contains("console=ttyS0");
        assertThat(debugfsCat(image, "/etc/fstab")).contains("UUID=" + result.rootUuid()).doesNotContain("/dev/xvda1");
        assertThat(debugfsCat(image, "/etc/fstab.pv2hvm-orig")).isEqualTo(fstabBefore);

        String[] pv = pvGrubEntry(menuAfter);
        Path kernelFile = dump(image, pv[0], "dual-boot.vmlinuz");
        Path initrdFile = dump(image, pv[1], "dual-boot.initrd");
        // the lab's PV-GRUB stand-in maps Xen's names to QEMU's, as build-fixture.sh does for every fixture
        String cmdline = pv[2].replace("root=/dev/xvda1", "root=/dev/sda").replace("console=hvc0", "console=ttyS0");
        CompletableFuture<BootResult> asPv = CompletableFuture.supplyAsync(
                () -> lab.qemu().direct(image, kernelFile, initrdFile, cmdline, "dual-boot-pv"));
        CompletableFuture<BootResult> asHvm = CompletableFuture.supplyAsync(
                () -> lab.qemu().bios(image, Disk.NVME, "dual-boot-hvm-nvme"));

        BootResult pvBoot = asPv.get();
        assertThat(pvBoot.marker()).as(pvBoot.describe()).isPresent();
        assertThat(pvBoot.marker().get().root()).isEqualTo("/dev/sda");
        // fstab's root by UUID resolves under PV too (before the change it named /dev/xvda1)
        assertThat(pvBoot.marker().get().spec()).isEqualTo("UUID=" + result.rootUuid());
        assertThat(pvBoot.marker().get().fstabOk()).as(pvBoot.describe()).isTrue();
        assertThat(pvBoot.serialLog()).as("PV args only, no HVM arguments").doesNotContain("nvme_core.io_timeout");

        BootResult hvmBoot = asHvm.get();
        assertThat(hvmBoot.marker()).as(hvmBoot.describe()).isPresent();
        assertThat(hvmBoot.marker().get().root()).isEqualTo("/dev/nvme0n1");
        assertThat(hvmBoot.marker().get().fstabOk()).as(hvmBoot.describe()).isTrue();
        assertThat(hvmBoot.serialLog()).containsPattern("Kernel command line: .*root=UUID=" + result.rootUuid() + ".*console=ttyS0");
        Files.deleteIfExists(kernelFile);
        Files.deleteIfExists(initrdFile);
        Files.deleteIfExists(image);
    }

    @Test
    void dualBoot_onALiveXfsRoot_isRefusedNamingTheAlternativeBeforeAnyWrite() throws Exception {
        Path image = lab.copyOf(Fixture.XFS, "dual-boot-xfs.img");
        Path live = Files.createTempDirectory(Files.createDirectories(lab.workDir()), "dual-boot-xfs-live");
        try (LoopDevice loop = LoopDevice.attach(image)) {
            LOCAL.exec(Command.of("mount", "-o", "rw", loop.device(), live.toString())).orThrow("mount the live root");
            try {
                String fstab = Files.readString(live.resolve("etc/fstab"));
                assertThatThrownBy(() -> GuestConverter.on(LOCAL).dualBoot(live.toString()))
                        .isInstanceOf(GuestIncompatibleException.class)
                        .hasMessageContaining("DUAL_BOOT needs ext2/3/4")
                        .hasMessageContaining("Use PARTITION_COPY");
                assertThat(Files.readString(live.resolve("etc/fstab"))).isEqualTo(fstab);
                assertThat(live.resolve("etc/fstab.pv2hvm-orig")).doesNotExist();
                assertThat(live.resolve("boot/extlinux")).doesNotExist();
                assertThat(live.resolve("etc/pv2hvm")).doesNotExist();
            } finally {
                LOCAL.exec(Command.of("umount", live.toString())).orThrow("umount the live root");
            }
        }
        Files.deleteIfExists(live);
        Files.deleteIfExists(image);
    }

    @Test
    void adaptGuest_live_addsATtyS0GettyBesideTheXenConsolesAndNeverUnmountsTheLiveRoot() throws Exception {
        Path stage = Files.createTempDirectory(Files.createDirectories(lab.workDir()), "dual-boot-consoles");
        Files.createDirectories(stage.resolve("etc/systemd/system/getty.target.wants"));
        Files.writeString(stage.resolve("etc/inittab"), "1:2345:respawn:/sbin/getty 38400 tty1\n"
                + "co:2345:respawn:/sbin/agetty hvc0 38400 vt100-nav\n");
        Files.createSymbolicLink(stage.resolve("etc/systemd/system/getty.target.wants/serial-getty@hvc0.service"),
                Path.of("/lib/systemd/system/serial-getty@.service"));
        Files.createDirectories(stage.resolve("etc/init"));
        Files.writeString(stage.resolve("etc/init/hvc0.conf"), "start on runlevel [2345]\nexec /sbin/getty -L hvc0 9600 vt102\n");
        Path image = lab.scratch("dual-boot-consoles.img");
        LOCAL.exec(Command.of("truncate", "-s", "64M", image.toString())).orThrow("truncate");
        LOCAL.exec(Command.of("mkfs.ext4", "-q", "-F", "-d", stage.toString(), image.toString())).orThrow("mkfs.ext4");
        Path live = Files.createTempDirectory(Files.createDirectories(lab.workDir()), "dual-boot-consoles-live");
        try (LoopDevice loop = LoopDevice.attach(image)) {
            LOCAL.exec(Command.of("mount", "-o", "rw", loop.device(), live.toString())).orThrow("mount the live root");
            try {
                String out = LOCAL.exec(WorkerScript.ADAPT_GUEST.command(WorkerScript.liveRootOption(live.toString()),
                        loop.device(), "yes", "/boot/extlinux/extlinux.conf", "6.1.0-1-amd64", "/boot/vmlinuz-6.1.0-1-amd64",
                        "/boot/initrd.img-6.1.0-1-amd64", "DEFAULT linux\n", WorkerScript.guestResource("kernel-hook.sh")))
                        .orThrow("adapt-guest live").stdout();

                assertThat(LOCAL.exec(Command.of("mountpoint", "-q", live.toString())).exitCode()).isZero();
                assertThat(Files.readString(live.resolve("etc/inittab")))
                        .contains("co:2345:respawn:/sbin/agetty hvc0 38400 vt100-nav")
                        .contains("pvS0:2345:respawn:/sbin/agetty ttyS0 38400 vt100-nav");
                Path wants = live.resolve("etc/systemd/system/getty.target.wants");
                assertThat(wants.resolve("serial-getty@hvc0.service")).isSymbolicLink();
                assertThat(Files.readSymbolicLink(wants.resolve("serial-getty@ttyS0.service")))
                        .isEqualTo(Path.of("/lib/systemd/system/serial-getty@.service"));
                assertThat(live.resolve("etc/init/hvc0.conf")).exists();
                assertThat(Files.readString(live.resolve("etc/init/ttyS0.conf"))).contains("getty -L ttyS0 9600");
                assertThat(out).contains("CHANGE\t/etc/inittab\tadded a getty on ttyS0");
            } finally {
                LOCAL.exec(Command.of("umount", live.toString())).orThrow("umount the live root");
            }
        }
        Files.deleteIfExists(live);
        Files.deleteIfExists(image);
    }

    @Test
    void liveRoot_whenTheDeviceIsNotTheFilesystemAtTheLiveRoot_refusesBeforeAnyWrite() throws Exception {
        Path image = lab.copyOf(Fixture.EXT4, "dual-boot-other-device.img");
        Path other = lab.copyOf(Fixture.EXT4, "dual-boot-other-device-2.img");
        Path live = Files.createTempDirectory(Files.createDirectories(lab.workDir()), "dual-boot-other-live");
        String hash = GuestLab.sha256(other);
        try (LoopDevice loop = LoopDevice.attach(image); LoopDevice second = LoopDevice.attach(other)) {
            LOCAL.exec(Command.of("mount", "-o", "rw", loop.device(), live.toString())).orThrow("mount the live root");
            try {
                var r = LOCAL.exec(WorkerScript.WRITE_FSTAB.command(WorkerScript.liveRootOption(live.toString()),
                        second.device(), "UUID=0 / ext4 defaults 0 1"));
                assertThat(r.exitCode()).isNotZero();
                assertThat(r.stderr()).contains("is not the filesystem mounted at the live root");
            } finally {
                LOCAL.exec(Command.of("umount", live.toString())).orThrow("umount the live root");
            }
        }
        assertThat(GuestLab.sha256(other)).isEqualTo(hash);
        Files.deleteIfExists(live);
        Files.deleteIfExists(image);
        Files.deleteIfExists(other);
    }

    /** The default (first) entry's kernel, initrd and kernel arguments of a PV-GRUB menu.lst. */
    private static String[] pvGrubEntry(String menu) {
        String kernelLine = menu.lines().map(String::strip).filter(l -> l.startsWith("kernel ")).findFirst().orElseThrow();
        String initrd = menu.lines().map(String::strip).filter(l -> l.startsWith("initrd ")).findFirst().orElseThrow()
                .substring("initrd ".length()).strip();
        String[] k = kernelLine.substring("kernel ".length()).strip().split("\\s+");
        return new String[] {k[0], initrd, String.join(" ", Arrays.asList(k).subList(1, k.length))};
    }

    private Path dump(Path image, String guestPath, String name) {
        Path out = lab.scratch(name);
        LOCAL.exec(Command.of("debugfs", "-R", "dump " + guestPath + " " + out, image.toString())).orThrow("debugfs dump " + guestPath);
        return out;
    }

    private static String debugfsCat(Path image, String file) {
        return LOCAL.exec(Command.of("debugfs", "-R", "cat " + file, image.toString())).orThrow("debugfs cat " + file).stdout();
    }

    /**
     * The guest's tools ran in a jail with a mount namespace of its own, which the kernel tears down
     * a moment after its last process exited: until then the filesystem stays mounted there, and
     * mounting it again (read-only, to inspect it) fails as "already mounted". Waits, at most a
     * minute, until no process's mount table names {@code device}.
     */
    private static void awaitUnmountedEverywhere(String device) throws Exception {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        while (mountedSomewhere(device)) {
            if (System.nanoTime() > until) {
                throw new AssertionError(device + " is still mounted in some mount namespace a minute after its umount");
            }
            Thread.sleep(100);
        }
    }

    private static boolean mountedSomewhere(String device) {
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .anyMatch(p -> {
                        try {
                            return Files.readAllLines(p.resolve("mountinfo")).stream()
                                    .anyMatch(l -> l.contains(" - ") && l.substring(l.indexOf(" - ")).contains(" " + device + " "));
                        } catch (java.io.IOException | RuntimeException gone) {
                            return false; // the process ended meanwhile
                        }
                    });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
