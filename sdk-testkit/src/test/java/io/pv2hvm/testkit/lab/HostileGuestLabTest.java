package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.UnsafeGuestException;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestInspector;
import io.pv2hvm.core.guest.ImageConversion;
import io.pv2hvm.core.guest.internal.ScriptOutput;
import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Guest disks built to attack the worker: links that escape at each path the scripts touch,
 * link loops, device nodes where files are expected, and an initramfs tool that tries to reach the
 * network, the instance metadata, the worker's files and environment, and to leave its chroot.
 * Each conversion job either refuses with an {@link UnsafeGuestException} naming the path, or
 * completes inside the guest; a canary file planted on the worker side keeps its content and
 * mtime, and its text appears in no output, result or exception. Small ext4 volumes, no boot.
 */
@RequiresLab
class HostileGuestLabTest {
    private static final String SECRET = "pv2hvm-canary-secret-4f1c9a";
    private static final String KVER = "6.1.0-1-amd64";

    private final GuestLab lab = GuestLab.shared();
    private final LocalTransport local = LocalTransport.create();
    private Path stage;
    private Path canaryDir;
    private Path canary;
    private FileTime canaryTime;

    @BeforeEach
    void plantCanaryAndStageGuest() throws Exception {
        canaryDir = Files.createTempDirectory("pv2hvm-worker-canary-");
        canary = canaryDir.resolve("shadow");
        Files.writeString(canary, SECRET + "\n");
        canaryTime = FileTime.fromMillis(1_600_000_000_000L);
        Files.setLastModifiedTime(canary, canaryTime);
        Files.writeString(canaryDir.resolve("ifcfg-eth0"), "HWADDR=" + SECRET + "\n");

        stage = Files.createTempDirectory("pv2hvm-hostile-");
        write("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
        write("etc/fstab", "/dev/xvda1 / ext4 defaults 0 1\n");
        write("boot/grub/menu.lst", "default 0\ntitle Debian\nroot (hd0)\nkernel /boot/vmlinuz-" + KVER
                + " root=/dev/xvda1 ro console=hvc0\ninitrd /boot/initrd.img-" + KVER + "\n");
        write("boot/vmlinuz-" + KVER, "kernel");
        write("boot/initrd.img-" + KVER, "initrd");
        for (String d : new String[] {"dev", "proc", "sys", "tmp", "var/tmp"}) {
            Files.createDirectories(stage.resolve(d));
        }
    }

    @AfterEach
    void canaryUntouched(TestInfo test) throws Exception {
        CASES.incrementAndGet();
        assertThat(Files.readString(canary)).as("the worker's canary file keeps its content").isEqualTo(SECRET + "\n");
        assertThat(Files.getLastModifiedTime(canary)).as("and its mtime").isEqualTo(canaryTime);
        try (var listing = Files.list(canaryDir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).as("nothing is added beside it")
                    .containsExactlyInAnyOrder("shadow", "ifcfg-eth0");
        }
        CANARY_INTACT.incrementAndGet();
        // each test asserts its own outcome; its name says which one it asserts
        (test.getDisplayName().contains("_refuses") ? REFUSED : COMPLETED).incrementAndGet();
    }

    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger CANARY_INTACT = new AtomicInteger();
    private static final AtomicInteger REFUSED = new AtomicInteger();
    private static final AtomicInteger COMPLETED = new AtomicInteger();

    /** RELIABILITY.md's hostile-guest row (ReliabilityTable in sdk-aws reads it). */
    @AfterAll
    static void writeTally() throws Exception {
        Path out = Path.of("target", "reliability", "hostile-guest.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "cases=" + CASES + " refused=" + REFUSED + " completed-inside-the-guest=" + COMPLETED
                + " canary-touched=" + (CASES.get() - CANARY_INTACT.get()) + "\n");
    }

    // --- inspection: the first thing every conversion does

    @Test
    void inspect_whenMenuLstClimbsOutOfTheGuestRoot_refusesNamingThePath() throws Exception {
        Files.delete(stage.resolve("boot/grub/menu.lst"));
        Files.createSymbolicLink(stage.resolve("boot/grub/menu.lst"), Path.of("../../../../.." + canary));

        UnsafeGuestException e = inspectRefused("inspect-menu-escape.img");

        assertThat(e.guestPath()).isEqualTo("/boot/grub/menu.lst");
        assertThat(e.found()).isEqualTo("a path leading out of the guest's root");
    }

    @Test
    void inspect_whenFstabAndADirectoryOnTheWayLinkToWorkerPaths_readsThemInsideTheGuestOnly() throws Exception {
        // absolute targets are the guest's paths: these name nothing in the guest, so nothing is read
        Files.delete(stage.resolve("etc/fstab"));
        Files.createSymbolicLink(stage.resolve("etc/fstab"), canary);
        Files.createDirectories(stage.resolve("etc/sysconfig"));
        Files.createSymbolicLink(stage.resolve("etc/sysconfig/network-scripts"), canaryDir);
        Path image = build("inspect-abs-links.img");

        GuestFacts facts;
        try (LoopDevice volume = LoopDevice.attachReadOnly(image)) {
            facts = GuestInspector.on(local).inspect(volume.device());
        }

        assertThat(facts.fstab()).isEmpty();
        assertThat(facts.startup().namesEth0()).as("the worker's ifcfg-eth0 was not read").isFalse();
        assertThat(facts.toString()).doesNotContain(SECRET);
        Files.deleteIfExists(image);
    }

    @Test
    void inspect_whenOsReleaseIsALinkLoop_refusesAsALoop() throws Exception {
        Files.delete(stage.resolve("etc/os-release"));
        Files.createSymbolicLink(stage.resolve("etc/os-release"), Path.of("os-release.b"));
        Files.createSymbolicLink(stage.resolve("etc/os-release.b"), Path.of("/etc/os-release"));

        UnsafeGuestException e = inspectRefused("inspect-loop.img");

        assertThat(e.guestPath()).isEqualTo("/etc/os-release");
        assertThat(e.found()).isEqualTo("a symbolic link loop");
    }

    @Test
    void inspect_whenFstabIsABlockDeviceNode_refusesWithoutOpeningIt() throws Exception {
        // block 7:0 is /dev/loop0 on the worker: read through, it would be a worker disk
        Files.delete(stage.resolve("etc/fstab"));
        run("mknod", stage.resolve("etc/fstab").toString(), "b", "7", "0");

        UnsafeGuestException e = inspectRefused("inspect-fstab-device.img");

        assertThat(e.guestPath()).isEqualTo("/etc/fstab");
        assertThat(e.found()).isEqualTo("a block special file");
    }

    @Test
    void inspect_whenMenuLstIsACharacterDeviceNode_refuses() throws Exception {
        Files.delete(stage.resolve("boot/grub/menu.lst"));
        run("mknod", stage.resolve("boot/grub/menu.lst").toString(), "c", "1", "3");

        UnsafeGuestException e = inspectRefused("inspect-menu-device.img");

        assertThat(e.guestPath()).isEqualTo("/boot/grub/menu.lst");
        assertThat(e.found()).isEqualTo("a character special file");
    }

    @Test
    void convertImage_whenTheGuestIsHostile_refusesTypedAndWritesNoOutput() throws Exception {
        Files.delete(stage.resolve("boot/grub/menu.lst"));
        Files.createSymbolicLink(stage.resolve("boot/grub/menu.lst"), Path.of("../../../../.." + canary));
        Path image = build("convert-image-hostile.img");
        Path output = lab.scratch("convert-image-hostile-out.img");

        assertThatThrownBy(() -> ImageConversion.of(image).strategy(ConversionStrategy.IN_PLACE).writeTo(output))
                .isInstanceOf(UnsafeGuestException.class)
                .hasMessageContaining("/boot/grub/menu.lst")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThat(output).doesNotExist();
        Files.deleteIfExists(image);
    }

    // --- the jobs that write

    @Test
    void writeFstab_whenFstabLinksToAWorkerFile_writesTheGuestsFileOfThatName() throws Exception {
        Files.delete(stage.resolve("etc/fstab"));
        Files.createSymbolicLink(stage.resolve("etc/fstab"), canary);
        write(canary.toString().substring(1), "the guest's own file of that name\n");
        Path image = build("fstab-abs-link.img");

        CommandResult r;
        try (LoopDevice volume = LoopDevice.attach(image)) {
            r = job(WorkerScript.WRITE_FSTAB.command(volume.device(), "UUID=abc / ext4 defaults 0 1"), "write-fstab");
        }

        assertThat(r.stdout()).contains("FSTAB=written");
        assertThat(cat(image, canary.toString())).as("the link's target, inside the guest").contains("UUID=abc /");
        assertThat(cat(image, canary + ".pv2hvm-orig")).contains("the guest's own file");
        Files.deleteIfExists(image);
    }

    @Test
    void writeFstab_whenFstabIsALinkDanglingInTheGuest_refuses() throws Exception {
        Files.delete(stage.resolve("etc/fstab"));
        Files.createSymbolicLink(stage.resolve("etc/fstab"), canary);
        Path image = build("fstab-dangling-link.img");

        try (LoopDevice volume = LoopDevice.attach(image)) {
            CommandResult r = local.exec(WorkerScript.WRITE_FSTAB.command(volume.device(), "UUID=abc / ext4 defaults 0 1"));
            UnsafeGuestException e = catchThrowableOfType(() -> ScriptOutput.orThrow(r, "write-fstab"), UnsafeGuestException.class);
            assertThat(e.guestPath()).isEqualTo(canary.toString());
            assertThat(e.found()).startsWith("no directory");
        }
        Files.deleteIfExists(image);
    }

    @Test
    void writeFstab_whenEtcClimbsOutOfTheGuest_refusesAndWritesNothing() throws Exception {
        Files.delete(stage.resolve("etc/fstab"));
        Files.delete(stage.resolve("etc/os-release"));
        Files.delete(stage.resolve("etc"));
        Files.createSymbolicLink(stage.resolve("etc"), Path.of("../../../../.." + canaryDir));
        Path image = build("fstab-etc-escape.img");

        try (LoopDevice volume = LoopDevice.attach(image)) {
            CommandResult r = local.exec(WorkerScript.WRITE_FSTAB.command(volume.device(), "UUID=abc / ext4 defaults 0 1"));
            UnsafeGuestException e = catchThrowableOfType(() -> ScriptOutput.orThrow(r, "write-fstab"), UnsafeGuestException.class);
            assertThat(e.guestPath()).isEqualTo("/etc/fstab");
        }
        Files.deleteIfExists(image);
    }

    @Test
    void installExtlinux_whenBootLinksToTheRoot_installsInsideTheGuestNotOnTheWorker() throws Exception {
        // /boot -> / : before, extlinux and its configuration landed on the worker's own /boot ... /
        Path bootFiles = stage.resolve("boot");
        run("rm", "-rf", bootFiles.toString());
        Files.createSymbolicLink(bootFiles, Path.of("/"));
        boolean workerHadExtlinux = Files.exists(Path.of("/extlinux"));
        Path image = build("extlinux-boot-root.img");

        try (LoopDevice volume = LoopDevice.attach(image)) {
            job(WorkerScript.INSTALL_EXTLINUX.command(volume.device(), "DEFAULT hvm\nLABEL hvm\n  LINUX /vmlinuz\n"), "install-extlinux");
        }

        assertThat(cat(image, "/extlinux/extlinux.conf")).contains("DEFAULT hvm");
        assertThat(Files.exists(Path.of("/extlinux"))).as("the worker's root gained no extlinux directory").isEqualTo(workerHadExtlinux);
        Files.deleteIfExists(image);
    }

    @Test
    void installExtlinux_whenTheGuestPlantsALinkWhereExtlinuxWritesItsLoader_refuses() throws Exception {
        Files.createDirectories(stage.resolve("boot/extlinux"));
        Files.createSymbolicLink(stage.resolve("boot/extlinux/ldlinux.sys"), canary);
        Path image = build("extlinux-ldlinux-link.img");

        try (LoopDevice volume = LoopDevice.attach(image)) {
            CommandResult r = local.exec(WorkerScript.INSTALL_EXTLINUX.command(volume.device(), "DEFAULT hvm\n"));
            UnsafeGuestException e = catchThrowableOfType(() -> ScriptOutput.orThrow(r, "install-extlinux"), UnsafeGuestException.class);
            assertThat(e.guestPath()).isEqualTo("/boot/extlinux/ldlinux.sys");
            assertThat(e.found()).isEqualTo("a symbolic link");
        }
        Files.deleteIfExists(image);
    }

    @Test
    void adapt_whenUdevRulesClimbOutAndInittabIsADevice_refuses() throws Exception {
        Files.createDirectories(stage.resolve("etc/udev"));
        Files.createSymbolicLink(stage.resolve("etc/udev/rules.d"), Path.of("../../../../../.." + canaryDir));
        Path image = build("adapt-udev-escape.img");
        try (LoopDevice volume = LoopDevice.attach(image)) {
            UnsafeGuestException e = catchThrowableOfType(() -> ScriptOutput.orThrow(adapt(volume.device()), "adapt-guest"),
                    UnsafeGuestException.class);
            assertThat(e.guestPath()).isEqualTo("/etc/udev/rules.d/70-persistent-net.rules");
        }
        Files.deleteIfExists(image);

        Files.delete(stage.resolve("etc/udev/rules.d"));
        run("mknod", stage.resolve("etc/inittab").toString(), "c", "1", "3");
        image = build("adapt-inittab-device.img");
        try (LoopDevice volume = LoopDevice.attach(image)) {
            UnsafeGuestException e = catchThrowableOfType(() -> ScriptOutput.orThrow(adapt(volume.device()), "adapt-guest"),
                    UnsafeGuestException.class);
            assertThat(e.guestPath()).isEqualTo("/etc/inittab");
            assertThat(e.found()).isEqualTo("a character special file");
        }
        Files.deleteIfExists(image);
    }

    // --- the guest's own initramfs tool

    @Test
    void fixDrivers_whenTheGuestsToolAttacksTheWorker_itReachesNoNetworkNoWorkerFileAndNoWayOut() throws Exception {
        Path busybox = Path.of("/usr/bin/busybox");
        assertThat(busybox).as("the lab needs a static busybox (busybox-static)").isRegularFile();
        Files.createDirectories(stage.resolve("bin"));
        Files.copy(busybox, stage.resolve("bin/busybox"));
        Files.createSymbolicLink(stage.resolve("bin/sh"), Path.of("busybox"));
        write("etc/initramfs-tools/modules", "# modules\n");

        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.setSoTimeout(200);
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket s = listener.accept()) {
                        connections.incrementAndGet();
                    } catch (SocketTimeoutException e) {
                        // poll until closed
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            write("usr/sbin/update-initramfs", attackingTool(listener.getLocalPort()));
            Files.setPosixFilePermissions(stage.resolve("usr/sbin/update-initramfs"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path image = build("fix-drivers-hostile-tool.img");

            CommandResult r;
            try (LoopDevice volume = LoopDevice.attach(image)) {
                r = local.exec(WorkerScript.FIX_DRIVERS.command(volume.device(), KVER, "/boot/initrd.img-" + KVER,
                        "update-initramfs", "nvme").withEnvironment(Map.of("AWS_SECRET_ACCESS_KEY", SECRET)));
            }
            String probe = cat(image, "/probe.txt");

            assertThat(r.stdout()).as(r.stderr()).contains("DRIVERS_ADDED=nvme");
            assertThat(probe).contains("probe-done", "env-keys:HOME LC_ALL PATH PWD SHLVL TERM")
                    .contains("canary-read:no", "canary-dir:no", "listener:no", "metadata:no", "chroot-escape:no",
                            "mount-devtmpfs:no", "mknod-loop-open:no", "proc-sys-write:no", "caps:00000000080000db");
            assertThat(probe + r.stdout() + r.stderr()).doesNotContain(SECRET);
            assertThat(connections.get()).as("connections from the guest's tool to a listener on the worker").isZero();
            assertThat(cat(image, "/boot/initrd.img-" + KVER + ".pv2hvm-orig")).startsWith("initrd");
            Files.deleteIfExists(image);
        }
    }

    /**
     * A fake update-initramfs (busybox sh) that records in /probe.txt whether each attack worked,
     * then builds a real initramfs holding nvme.ko, so the job completes.
     */
    private String attackingTool(int port) {
        return String.join("\n",
                "#!/bin/sh",
                "p=/probe.txt",
                "try() { name=$1; shift; if \"$@\" >/dev/null 2>&1; then echo \"$name:yes\" >>$p; else echo \"$name:no\" >>$p; fi; }",
                "echo \"env-keys:$(env | cut -d= -f1 | sort | tr '\\n' ' ' | sed 's/ $//')\" >>$p",
                "env | grep -q " + SECRET + " && echo env-secret:yes >>$p",
                "try canary-read cat " + canary,
                "try canary-dir ls " + canaryDir,
                "try listener nc -w 2 127.0.0.1 " + port,
                "try metadata wget -q -T 2 -O - http://169.254.169.254/latest/meta-data/",
                "mkdir -p /jail",
                "try chroot-escape chroot /jail /bin/busybox true",
                "mkdir -p /devt",
                "try mount-devtmpfs mount -t devtmpfs none /devt",
                "try mknod-loop-open sh -c 'mknod /dev/loopx b 7 0 && head -c 1 /dev/loopx'",
                "try proc-sys-write sh -c 'echo x > /proc/sys/kernel/hostname'",
                "echo \"caps:$(grep CapEff /proc/self/status | cut -f2)\" >>$p",
                "echo probe-done >>$p",
                "d=/var/tmp/initramfs; rm -rf $d; mkdir -p $d/lib/modules/" + KVER + "/kernel/drivers/nvme/host",
                "echo nvme >$d/lib/modules/" + KVER + "/kernel/drivers/nvme/host/nvme.ko",
                "(cd $d && find . | cpio -o -H newc 2>/dev/null | gzip -c) >/boot/initrd.img-" + KVER,
                "");
    }

    private UnsafeGuestException inspectRefused(String name) throws Exception {
        Path image = build(name);
        try (LoopDevice volume = LoopDevice.attachReadOnly(image)) {
            UnsafeGuestException e = catchThrowableOfType(() -> GuestInspector.on(local).inspect(volume.device()),
                    UnsafeGuestException.class);
            assertThat(e).as("inspection refuses").isNotNull();
            assertThat(e.getMessage()).doesNotContain(SECRET);
            return e;
        } finally {
            Files.deleteIfExists(image);
        }
    }

    private CommandResult adapt(String device) {
        return local.exec(WorkerScript.ADAPT_GUEST.command(device, "yes", "/boot/extlinux/extlinux.conf", KVER,
                "/boot/vmlinuz-" + KVER, "/boot/initrd.img-" + KVER, "LINUX /boot/vmlinuz-" + KVER + "\n",
                WorkerScript.guestResource("kernel-hook.sh")));
    }

    private CommandResult job(Command command, String what) {
        CommandResult r = local.exec(command);
        assertThat(r.stdout() + r.stderr()).doesNotContain(SECRET);
        return ScriptOutput.orThrow(r, what);
    }

    private Path build(String name) {
        Path image = lab.scratch(name);
        run("truncate", "-s", "32M", image.toString());
        run("mkfs.ext4", "-q", "-F", "-d", stage.toString(), image.toString());
        return image;
    }

    private String cat(Path image, String file) {
        return local.exec(Command.of("debugfs", "-R", "cat " + file, image.toString())).orThrow("debugfs cat " + file).stdout();
    }

    private void run(String program, String... args) {
        local.exec(Command.of(program, args)).orThrow(program);
    }

    private void write(String relative, String text) throws Exception {
        Path p = stage.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
