package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.guest.ImageConversion;
import io.pv2hvm.core.guest.TargetPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guests that cannot boot as converted are refused by inspection before anything is written:
 * the source's checksum and mtime are unchanged, no output file appears, and only the read-only
 * jobs (attach, inspect, detach) ran.
 */
@RequiresLab
class NegativeControlsLabTest {
    private static final List<String> READ_ONLY_JOBS = List.of("pv2hvm-attach-image", "pv2hvm-inspect", "pv2hvm-detach-image");

    private final GuestLab lab = GuestLab.shared();

    @ParameterizedTest(name = "PV-only kernel refused with {0}")
    @EnumSource(value = ConversionStrategy.class, names = {"IN_PLACE", "PARTITION_COPY"})  // image conversions; DUAL_BOOT: DualBootLabTest
    void convert_whenDefaultKernelIsPvOnly_refusesNamingTheKernelPackage(ConversionStrategy strategy) throws Exception {
        assertRefused(Fixture.PV_ONLY_KERNEL, strategy, TargetPlatform.XEN_HVM, true,
                "2.6.18-419.el5xen", "PV-only", "CONFIG_X86_64_XEN=y", "yum install kernel");
    }

    @Test
    void convert_whenNitroTargetLacksNvmeAndFixIsDisabled_refuses() throws Exception {
        assertRefused(Fixture.DEBIAN_WITHOUT_NVME, ConversionStrategy.PARTITION_COPY, TargetPlatform.NITRO, false,
                "lacks nvme", "NITRO");
    }

    @Test
    void convert_whenXfsWithInPlace_refuses() throws Exception {
        assertRefused(Fixture.XFS, ConversionStrategy.IN_PLACE, TargetPlatform.NITRO, true,
                "IN_PLACE needs ext2/3/4", "xfs", "Use PARTITION_COPY");
    }

    @Test
    void convertImage_whenXfsTargetSizeCannotHoldTheFilesystem_refusesBeforeCreatingTheOutput() throws Exception {
        Path source = lab.copyOf(Fixture.XFS, "XFS-small-target-source.img");
        String hash = GuestLab.sha256(source);
        Path out = lab.scratch("XFS-small-target.img");
        RecordingTransport transport = new RecordingTransport();

        assertThatThrownBy(() -> ImageConversion.of(source).strategy(ConversionStrategy.PARTITION_COPY).target(TargetPlatform.NITRO)
                .targetSize(Files.size(source)).transport(transport).writeTo(out))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContainingAll("XFS cannot shrink", "needs at least", "or none to size it as a migration does");

        assertThat(transport.jobs()).isNotEmpty().containsOnly(READ_ONLY_JOBS.toArray(String[]::new));
        assertThat(out).doesNotExist();
        assertThat(GuestLab.sha256(source)).isEqualTo(hash);
        Files.deleteIfExists(source);
    }

    private void assertRefused(Fixture fixture, ConversionStrategy strategy, TargetPlatform target, boolean fix,
                               String... messageParts) throws Exception {
        // a private copy, so its mtime is ours to watch
        Path source = lab.copyOf(fixture, fixture + "-refused-source.img");
        String hash = GuestLab.sha256(source);
        FileTime mtime = Files.getLastModifiedTime(source);
        Path out = lab.scratch(fixture + "-" + strategy + "-refused.img");
        RecordingTransport transport = new RecordingTransport();

        assertThatThrownBy(() -> ImageConversion.of(source).strategy(strategy).target(target).fixDrivers(fix)
                .transport(transport).writeTo(out))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll(messageParts);

        assertThat(transport.jobs()).isNotEmpty().containsOnly(READ_ONLY_JOBS.toArray(String[]::new))
                .contains("pv2hvm-inspect");
        assertThat(out).doesNotExist();
        assertThat(Files.getLastModifiedTime(source)).isEqualTo(mtime);
        assertThat(GuestLab.sha256(source)).isEqualTo(hash);
        Files.deleteIfExists(source);
    }
}
