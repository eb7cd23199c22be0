package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fix-drivers job with the initramfs builders of the families the lab cannot boot: SUSE's
 * mkinitrd (SLES 11) and Red Hat's (RHEL/CentOS 5). The guest is a small ext4 volume whose
 * {@code /sbin/mkinitrd} is a shell script (static busybox) that records its argv and writes a
 * prepared initrd where it was told to; the job runs it through the same loop device, mount and
 * chroot as a real guest's tool.
 */
@RequiresLab
class InitramfsToolLabTest {
    private static final String SUSE_KVER = "3.0.101-108.87-default";
    private static final String RHEL_KVER = "2.6.18-419.el5";
    /** Parses both syntaxes: SUSE's -i names the initrd in /boot, Red Hat's first plain argument is its path. */
    private static final String FAKE_MKINITRD = """
            #!/bin/sh
            for a in "$@"; do echo "$a" >>/mkinitrd.argv; done
            echo "--" >>/mkinitrd.argv
            out=
            while [ $# -gt 0 ]; do
              case $1 in
                -i) out=/boot/$2; shift 2 ;;
                -b|-k|-m) shift 2 ;;
                -*) shift ;;
                *) [ -n "$out" ] || out=$1; shift ;;
              esac
            done
            cp /stage/new-initrd "$out"
            """;

    private final GuestLab lab = GuestLab.shared();
    private final LocalTransport local = LocalTransport.create();
    private Path stage;
    private final List<Path> scratch = new ArrayList<>();

    @BeforeEach
    void stageGuest() throws Exception {
        stage = Files.createTempDirectory("pv2hvm-mkinitrd-");
        for (String d : List.of("bin", "sbin", "dev", "proc", "sys", "tmp", "boot", "stage", "etc/sysconfig")) {
            Files.createDirectories(stage.resolve(d));
        }
        Files.copy(Path.of("/usr/bin/busybox"), stage.resolve("bin/busybox"));
        for (String applet : List.of("sh", "cp", "echo")) {
            Files.createSymbolicLink(stage.resolve("bin/" + applet), Path.of("busybox"));
        }
        Path fake = stage.resolve("sbin/mkinitrd");
        Files.writeString(fake, FAKE_MKINITRD);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(stage.resolve("bin/mkinitrd"), Path.of("../sbin/mkinitrd"));
    }

    @AfterEach
    void cleanUp() {
        scratch.forEach(p -> p.toFile().delete());
    }

    @Test
    void fixDrivers_withSusesMkinitrd_passesKernelInitrdAndModulesSusesWayAndKeepsThemInInitrdModules() throws Exception {
        module(SUSE_KVER, "kernel/drivers/nvme/host/nvme.ko");
        module(SUSE_KVER, "updates/ena.ko");
        write("boot/vmlinuz-" + SUSE_KVER, "kernel");
        write("etc/sysconfig/kernel", "# SLES\nINITRD_MODULES=\"processor thermal ata_piix\"\nDOMU_INITRD_MODULES=\"xennet xenblk\"\n");
        initrds(SUSE_KVER, "boot/initrd-" + SUSE_KVER, List.of("kernel/drivers/nvme/host/nvme.ko", "updates/ena.ko"));
        Path image = build("mkinitrd-suse.img");

        try (LoopDevice volume = LoopDevice.attach(image)) {
            fix(volume.device(), SUSE_KVER, "/boot/initrd-" + SUSE_KVER, "mkinitrd-suse", "nvme", "ena").orThrow("fix-drivers");
            fix(volume.device(), SUSE_KVER, "/boot/initrd-" + SUSE_KVER, "mkinitrd-suse", "nvme", "ena").orThrow("fix-drivers again");
        }

        List<String> call = List.of("-b", "/boot", "-k", "vmlinuz-" + SUSE_KVER, "-i", "initrd-" + SUSE_KVER,
                "-m", "processor thermal ata_piix nvme ena", "--");
        List<String> both = new ArrayList<>(call);
        both.addAll(call);
        assertThat(cat(image, "/mkinitrd.argv").lines().toList()).as("a re-run adds the drivers once").isEqualTo(both);
        assertThat(cat(image, "/etc/sysconfig/kernel")).contains("INITRD_MODULES=\"processor thermal ata_piix nvme ena\"\n",
                "DOMU_INITRD_MODULES=\"xennet xenblk\"");
        assertThat(cat(image, "/etc/sysconfig/kernel.pv2hvm-orig")).contains("INITRD_MODULES=\"processor thermal ata_piix\"\n");
        assertThat(cat(image, "/boot/initrd-" + SUSE_KVER + ".pv2hvm-orig")).isNotEmpty();
    }

    @Test
    void fixDrivers_withRedHatsMkinitrd_passesTheRhel5PvOnHvmModuleByItsFileName() throws Exception {
        // kmod-xenpv's modules as RHEL 5 installs them; modprobe calls this one xen_vbd, mkinitrd wants xen-vbd
        module(RHEL_KVER, "extra/xenpv/" + RHEL_KVER + "/xen-vbd.ko");
        module(RHEL_KVER, "extra/xenpv/" + RHEL_KVER + "/xen-platform-pci.ko");
        initrds(RHEL_KVER, "boot/initrd-" + RHEL_KVER + ".img", List.of("extra/xenpv/" + RHEL_KVER + "/xen-vbd.ko"));
        Path image = build("mkinitrd-rhel5.img");

        try (LoopDevice volume = LoopDevice.attach(image)) {
            fix(volume.device(), RHEL_KVER, "/boot/initrd-" + RHEL_KVER + ".img", "mkinitrd", "xen_vbd").orThrow("fix-drivers");
        }

        assertThat(cat(image, "/mkinitrd.argv").lines().toList())
                .containsExactly("-f", "--with=xen-vbd", "/boot/initrd-" + RHEL_KVER + ".img", RHEL_KVER, "--");
        assertThat(cat(image, "/boot/initrd-" + RHEL_KVER + ".img.pv2hvm-orig")).isNotEmpty();
    }

    @Test
    void fixDrivers_withSusesMkinitrd_whenInitrdModulesIsNotAQuotedList_refusesAndChangesNothing() throws Exception {
        module(SUSE_KVER, "kernel/drivers/nvme/host/nvme.ko");
        write("boot/vmlinuz-" + SUSE_KVER, "kernel");
        write("etc/sysconfig/kernel", "INITRD_MODULES=processor\n");
        initrds(SUSE_KVER, "boot/initrd-" + SUSE_KVER, List.of("kernel/drivers/nvme/host/nvme.ko"));
        Path image = build("mkinitrd-suse-unquoted.img");

        CommandResult r;
        try (LoopDevice volume = LoopDevice.attach(image)) {
            r = fix(volume.device(), SUSE_KVER, "/boot/initrd-" + SUSE_KVER, "mkinitrd-suse", "nvme");
        }

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("INITRD_MODULES in /etc/sysconfig/kernel is not one double-quoted list; quote it");
        // mounting touches the superblock, so "nothing changed" is said of the guest's files
        assertThat(cat(image, "/etc/sysconfig/kernel")).isEqualTo("INITRD_MODULES=processor\n");
        assertThat(ls(image, "/boot")).doesNotContain("pv2hvm-orig");
        assertThat(ls(image, "/etc/sysconfig")).doesNotContain("pv2hvm-orig");
        assertThat(ls(image, "/")).as("mkinitrd never ran").doesNotContain("mkinitrd.argv");
    }

    @Test
    void fixDrivers_withRedHatsMkinitrd_whenTheKernelHasNoSuchModule_refusesNamingIt() throws Exception {
        initrds(RHEL_KVER, "boot/initrd-" + RHEL_KVER + ".img", List.of());
        Files.createDirectories(stage.resolve("lib/modules/" + RHEL_KVER));
        Path image = build("mkinitrd-rhel5-no-module.img");

        CommandResult r;
        try (LoopDevice volume = LoopDevice.attach(image)) {
            r = fix(volume.device(), RHEL_KVER, "/boot/initrd-" + RHEL_KVER + ".img", "mkinitrd", "xen_vbd");
        }

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("no module file for xen_vbd under /lib/modules/" + RHEL_KVER);
        assertThat(ls(image, "/boot")).doesNotContain("pv2hvm-orig");
        assertThat(ls(image, "/")).as("mkinitrd never ran").doesNotContain("mkinitrd.argv");
    }

    private CommandResult fix(String device, String kver, String initrd, String tool, String... drivers) {
        List<String> args = new ArrayList<>(List.of(device, kver, initrd, tool));
        args.addAll(List.of(drivers));
        return local.exec(WorkerScript.FIX_DRIVERS.command(args));
    }

    private void module(String kver, String relative) throws Exception {
        write("lib/modules/" + kver + "/" + relative, "module");
    }

    /** The guest's current initrd (no driver modules) and the one the fake mkinitrd "builds", holding {@code modules}. */
    private void initrds(String kver, String initrd, List<String> modules) throws Exception {
        Path old = Files.createTempDirectory("pv2hvm-initrd-old-");
        Path fresh = Files.createTempDirectory("pv2hvm-initrd-new-");
        Files.createDirectories(old.resolve("bin"));
        Files.createDirectories(fresh.resolve("bin"));
        for (String m : modules) {
            Path p = fresh.resolve("lib/modules/" + kver + "/" + m);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "module");
        }
        cpio(old, stage.resolve(initrd));
        cpio(fresh, stage.resolve("stage/new-initrd"));
    }

    private void cpio(Path dir, Path out) {
        local.exec(Command.of("bash", "-c", "cd \"$1\" && find . | cpio -o -H newc --quiet | gzip -n >\"$2\"", "cpio",
                dir.toString(), out.toString())).orThrow("cpio");
    }

    private Path build(String name) {
        Path image = lab.scratch(name);
        scratch.add(image);
        local.exec(Command.of("truncate", "-s", "32M", image.toString())).orThrow("truncate");
        local.exec(Command.of("mkfs.ext4", "-q", "-F", "-d", stage.toString(), image.toString())).orThrow("mkfs.ext4");
        return image;
    }

    private String cat(Path image, String file) {
        return local.exec(Command.of("debugfs", "-R", "cat " + file, image.toString())).orThrow("debugfs cat " + file).stdout();
    }

    private String ls(Path image, String dir) {
        return local.exec(Command.of("debugfs", "-R", "ls " + dir, image.toString())).orThrow("debugfs ls " + dir).stdout();
    }

    private void write(String relative, String text) throws Exception {
        Path p = stage.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
