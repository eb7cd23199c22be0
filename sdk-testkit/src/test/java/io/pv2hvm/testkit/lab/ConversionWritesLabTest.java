package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.GuestConverter;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What conversions write to the volumes, measured as the conversion benchmark measures it (a
 * {@link WriteMeter} on the loop devices) on the benchmark's kind of image (a {@link SparsePvImage}
 * {@value io.pv2hvm.testkit.internal.bench.ConversionBenchmark#FILL_PERCENT}% full): IN_PLACE writes a bootloader and two small files whatever the
 * volume's size; PARTITION_COPY writes and reads at least the used data, which shows the meter sees a copy.
 * No assertion on time.
 */
@RequiresLab
class ConversionWritesLabTest {
    private static final int FILL_PERCENT = io.pv2hvm.testkit.internal.bench.ConversionBenchmark.FILL_PERCENT;
    private static final long MIB = 1 << 20;

    private final GuestLab lab = GuestLab.shared();
    private final GuestConverter converter = GuestConverter.on(LocalTransport.create()).forTarget(TargetPlatform.NITRO);

    @ParameterizedTest(name = "IN_PLACE on a {0} GiB image writes less than 10 MiB")
    @ValueSource(ints = {2, 8})
    void inPlace_whateverTheVolumeSize_writesLessThan10MiB(int gib) {
        SparsePvImage image = SparsePvImage.build(lab, "writes-in-place-" + gib + "g.img", gib, FILL_PERCENT);
        try (LoopDevice volume = LoopDevice.attach(image.path())) {
            WriteMeter meter = WriteMeter.start(volume.device());

            converter.inPlace(volume.device());

            // positive: the meter saw the bootloader go in, so "less than 10 MiB" is not a meter reading nothing
            assertThat(meter.bytesWritten()).isPositive().isLessThan(10 * MIB);
        } finally {
            image.delete();
        }
    }

    @Test
    void partitionCopy_ofA2GiBImage_writesAndReadsAtLeastTheUsedData() throws Exception {
        SparsePvImage image = SparsePvImage.build(lab, "writes-partition-copy-source.img", 2, FILL_PERCENT);
        Path target = lab.scratch("writes-partition-copy-target.img");
        LocalTransport.create().exec(Command.of("truncate", "-s", Long.toString(image.sizeBytes()), target.toString())).orThrow("truncate");
        try (LoopDevice src = LoopDevice.attachReadOnly(image.path()); LoopDevice dst = LoopDevice.attach(target)) {
            WriteMeter meter = WriteMeter.start(src.device(), dst.device());

            converter.convert(ConversionStrategy.PARTITION_COPY, src.device(), dst.device());

            assertThat(image.usedPercent()).as("percent of the source's filesystem in use").isGreaterThanOrEqualTo(FILL_PERCENT);
            assertThat(meter.bytesWritten()).isGreaterThanOrEqualTo(image.usedBytes());
            // the copy reads every used block of the source from the device (nothing was cached: a fresh loop device)
            assertThat(meter.bytesRead()).isGreaterThanOrEqualTo(image.usedBytes());
        } finally {
            Files.deleteIfExists(target);
            image.delete();
        }
    }
}
