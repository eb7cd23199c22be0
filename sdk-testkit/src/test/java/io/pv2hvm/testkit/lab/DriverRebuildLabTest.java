package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.ImageConversion;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.transport.LocalTransport;
import io.pv2hvm.testkit.lab.QemuBoot.Disk;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Debian guest (debootstrap, initramfs-tools) whose initramfs was built without nvme:
 * converted for Xen HVM it boots on IDE but cannot find its root on NVMe; converted for Nitro,
 * the initramfs is rebuilt in a chroot with the guest's update-initramfs and it boots on NVMe.
 */
@RequiresLab
class DriverRebuildLabTest {
    private final GuestLab lab = GuestLab.shared();

    @Test
    void convert_forXenHvm_bootsOnIdeButNotOnNvme() throws Exception {
        Path out = lab.scratch("debian-xen-hvm.img");
        ConversionResult result = ImageConversion.of(lab.image(Fixture.DEBIAN_WITHOUT_NVME))
                .strategy(ConversionStrategy.PARTITION_COPY).target(TargetPlatform.XEN_HVM).writeTo(out);
        assertThat(result.driversAdded()).isEmpty();
        // the NVMe I/O timeout is for Nitro only
        assertThat(result.changes()).noneMatch(c -> c.reason().contains("io_timeout"));

        CompletableFuture<BootResult> ide = CompletableFuture.supplyAsync(() -> lab.qemu().bios(out, Disk.IDE, "debian-xen-hvm-ide"));
        CompletableFuture<BootResult> nvme = CompletableFuture.supplyAsync(() -> lab.qemu().bios(out, Disk.NVME, "debian-xen-hvm-nvme"));
        BootResult onIde = ide.get();
        assertThat(onIde.marker()).as(onIde.describe()).isPresent();
        assertThat(onIde.marker().get().fstabOk()).as(onIde.describe()).isTrue();
        BootResult onNvme = nvme.get();
        assertThat(onNvme.marker()).as(onNvme.describe()).isEmpty();
        assertThat(onNvme.serialLog()).as(onNvme.describe()).contains("Gave up waiting for root");
        Files.deleteIfExists(out);
    }

    @Test
    void convert_forNitroWithDriverFix_rebuildsInitramfsAndBootsOnNvme() throws Exception {
        Path out = lab.scratch("debian-nitro.img");
        ConversionResult result = ImageConversion.of(lab.image(Fixture.DEBIAN_WITHOUT_NVME))
                .strategy(ConversionStrategy.IN_PLACE).target(TargetPlatform.NITRO).writeTo(out);
        assertThat(result.driversAdded()).containsExactlyInAnyOrder("nvme", "ena");

        BootResult onNvme = lab.qemu().withTimeout(java.time.Duration.ofSeconds(180)).bios(out, Disk.NVME, "debian-nitro-nvme");
        assertThat(onNvme.marker()).as(onNvme.describe()).isPresent();
        assertThat(onNvme.marker().get().root()).isEqualTo("/dev/nvme0n1");
        assertThat(onNvme.marker().get().fstabOk()).as(onNvme.describe()).isTrue();
        // AWS's NVMe I/O timeout for Nitro, on the command line the kernel booted with, and recorded with its reason
        assertThat(onNvme.serialLog()).as(onNvme.describe()).containsPattern("Kernel command line: .*nvme_core\\.io_timeout=4294967295");
        assertThat(result.changes()).anyMatch(c -> c.path().equals("/boot/extlinux/extlinux.conf")
                && c.reason().startsWith("nvme_core.io_timeout=4294967295 on the kernel command line"));

        // the old initramfs was kept next to the new one
        String initrd = result.facts().defaultEntry().orElseThrow().initrd().orElseThrow();
        String listing = LocalTransport.create().exec(Command.of("debugfs", "-R", "ls -l /boot", out.toString()))
                .orThrow("debugfs").stdout();
        assertThat(listing).contains(Path.of(initrd).getFileName() + ".pv2hvm-orig");
        Files.deleteIfExists(out);
    }
}
