package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.ImageConversion;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.transport.LocalTransport;
import io.pv2hvm.testkit.lab.QemuBoot.Disk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For every PV fixture and every strategy that applies: the converted image boots under BIOS on
 * IDE (Xen HVM stand-in) and on NVMe (Nitro stand-in) to the marker, with fstab resolving the
 * root. And, as the control, the unconverted image boots as PV but not under BIOS.
 */
@RequiresLab
class GuestConversionLabTest {
    private final GuestLab lab = GuestLab.shared();

    static Stream<Arguments> conversions() {
        List<Arguments> list = new ArrayList<>();
        for (Fixture f : List.of(Fixture.EXT2, Fixture.EXT3, Fixture.EXT4, Fixture.EXT4_OLD_EC2, Fixture.XFS)) {
            for (ConversionStrategy s : List.of(ConversionStrategy.IN_PLACE, ConversionStrategy.PARTITION_COPY)) {  // DUAL_BOOT: DualBootLabTest
                if (s == ConversionStrategy.IN_PLACE && f.fsType().equals("xfs")) {
                    continue;  // refused by design; see NegativeControlsLabTest
                }
                list.add(Arguments.of(f, s));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} converted with {1} boots under BIOS on IDE and NVMe")
    @MethodSource("conversions")
    void convert_whenGuestIsSupported_bootsUnderBiosOnIdeAndNvme(Fixture fixture, ConversionStrategy strategy) throws Exception {
        Path source = lab.image(fixture);
        String sourceHash = GuestLab.sha256(source);
        Path out = lab.scratch(fixture + "-" + strategy + ".img");
        List<Double> progress = Collections.synchronizedList(new ArrayList<>());
        List<String> details = Collections.synchronizedList(new ArrayList<>());
        // XFS cannot shrink: its partitioned copy needs room for the label; ext copies go to a same-size target
        // (shrunk by the 1 MiB the label takes), not to the default size a migration would give them
        long targetSize = fixture.fsType().equals("xfs") ? Files.size(source) + (256L << 20) : Files.size(source);

        ConversionResult result = ImageConversion.of(source).strategy(strategy).target(TargetPlatform.NITRO)
                .targetSize(targetSize).progress((p, d) -> {
                    progress.add(p);
                    details.add(d);
                }).writeTo(out);

        assertThat(GuestLab.sha256(source)).as("source image unchanged").isEqualTo(sourceHash);
        assertThat(progress).isNotEmpty().last().isEqualTo(100.0);
        if (strategy == ConversionStrategy.PARTITION_COPY) {
            // the copy's own progress lines (e2image -p, xfs_copy) reached the sink
            assertThat(details).anyMatch(d -> d.contains("copying used blocks"));
        }
        assertThat(result.kernel()).isEqualTo(lab.kernelVersion());

        CompletableFuture<BootResult> ide = CompletableFuture.supplyAsync(
                () -> lab.qemu().bios(out, Disk.IDE, fixture + "-" + strategy + "-ide"));
        CompletableFuture<BootResult> nvme = CompletableFuture.supplyAsync(
                () -> lab.qemu().bios(out, Disk.NVME, fixture + "-" + strategy + "-nvme"));
        String partition = strategy == ConversionStrategy.PARTITION_COPY ? "1" : "";
        assertBooted(ide.get(), "/dev/sda" + partition, result);
        assertBooted(nvme.get(), "/dev/nvme0n1" + (partition.isEmpty() ? "" : "p1"), result);
        Files.deleteIfExists(out);
    }

    @ParameterizedTest(name = "unconverted {0} boots as PV but not under BIOS")
    @EnumSource(names = {"EXT2", "EXT3", "EXT4", "EXT4_OLD_EC2", "XFS"})
    void unconvertedImage_bootsAsPvButNotUnderBios(Fixture fixture) throws Exception {
        CompletableFuture<BootResult> pv = CompletableFuture.supplyAsync(() -> lab.bootAsPv(fixture));
        CompletableFuture<BootResult> bios = CompletableFuture.supplyAsync(
                () -> lab.qemu().bios(lab.image(fixture), Disk.IDE, fixture + "-unconverted-bios"));

        BootResult asPv = pv.get();
        assertThat(asPv.marker()).as(asPv.describe()).isPresent();
        assertThat(asPv.marker().get().kernel()).isEqualTo(lab.kernelVersion());
        // the PV fstab names /dev/xvda1, which no HVM disk is called
        assertThat(asPv.marker().get().fstab()).isEqualTo("missing");

        BootResult asHvm = bios.get();
        assertThat(asHvm.marker()).as(asHvm.describe()).isEmpty();
        assertThat(asHvm.noBootableDevice()).as(asHvm.describe()).isTrue();
    }

    @Test
    void convertInPlace_runTwiceOnTheSameImage_staysBootableAndKeepsTheOriginalFstab() throws Exception {
        Path image = lab.copyOf(Fixture.EXT4, "EXT4-in-place-twice.img");
        ImageConversion conversion = ImageConversion.of(image).strategy(ConversionStrategy.IN_PLACE).target(TargetPlatform.NITRO);

        conversion.writeTo(image);
        ConversionResult second = conversion.writeTo(image);

        assertThat(second.facts().rootFstabEntry().orElseThrow().spec()).isEqualTo("UUID=" + second.rootUuid());
        assertThat(debugfsCat(image, "/etc/fstab.pv2hvm-orig")).contains("/dev/xvda1");
        assertThat(debugfsCat(image, "/etc/fstab")).contains("UUID=" + second.rootUuid()).doesNotContain("/dev/xvda1");
        assertBooted(lab.qemu().bios(image, Disk.IDE, "EXT4-in-place-twice-ide"), "/dev/sda", second);
        Files.deleteIfExists(image);
    }

    @Test
    void partitionCopy_whenJournalNeedsRecovery_copiesEveryBlockWithDdAndBoots() throws Exception {
        // a crash-consistent snapshot of a running guest: the bitmaps may not show what the journal holds
        Path source = lab.copyOf(Fixture.EXT4, "EXT4-needs-recovery.img");
        LocalTransport.create().exec(Command.of("debugfs", "-w", "-R", "feature needs_recovery", source.toString()))
                .orThrow("debugfs feature needs_recovery");
        Path out = lab.scratch("EXT4-needs-recovery-hvm.img");
        List<String> details = Collections.synchronizedList(new ArrayList<>());

        ConversionResult result = ImageConversion.of(source).strategy(ConversionStrategy.PARTITION_COPY).target(TargetPlatform.NITRO)
                .targetSize(Files.size(source) + (64L << 20)).progress((p, d) -> details.add(d)).writeTo(out);

        assertThat(details).anyMatch(d -> d.contains("copying all blocks"));
        assertBooted(lab.qemu().bios(out, Disk.NVME, "EXT4-needs-recovery-nvme"), "/dev/nvme0n1p1", result);
        Files.deleteIfExists(out);
        Files.deleteIfExists(source);
    }

    private static String debugfsCat(Path image, String file) {
        return LocalTransport.create().exec(Command.of("debugfs", "-R", "cat " + file, image.toString()))
                .orThrow("debugfs cat " + file).stdout();
    }

    private void assertBooted(BootResult boot, String rootDevice, ConversionResult result) {
        assertThat(boot.marker()).as(boot.describe()).isPresent();
        BootMarker m = boot.marker().get();
        assertThat(m.kernel()).as(boot.describe()).isEqualTo(lab.kernelVersion());
        assertThat(m.root()).as(boot.describe()).isEqualTo(rootDevice);
        assertThat(m.spec()).isEqualTo("UUID=" + result.rootUuid());
        assertThat(m.fstabOk()).as(boot.describe()).isTrue();
    }
}
