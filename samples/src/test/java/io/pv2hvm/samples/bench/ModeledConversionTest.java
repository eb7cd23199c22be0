package io.pv2hvm.samples.bench;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.DataVolumes;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.core.spi.ProgressSink;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The modelled I/O of PARTITION_COPY's incremental final round, as the benchmark's worker receives it. */
class ModeledConversionTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void resync_readsBothInodeTablesAndTheChange_writesTheChangeAndTheConversion() {
        RecordingTransport worker = new RecordingTransport();
        ModeledConversion guest = new ModeledConversion(8, GIB * 8 / 5, 8 * GIB, 256 * MIB);

        ConversionResult r = guest.resync(worker, "/dev/xvdf", "/dev/xvdg", Instant.parse("2026-12-05T20:00:00Z"),
                TargetPlatform.NITRO, DataVolumes.none(), ProgressSink.none());

        // 8 GiB / 64 of inode table on each of the two volumes, plus the 256 MiB changed; 256 MiB + 12 MiB written
        long reads = 2 * 128 * MIB + 256 * MIB;
        long writes = 256 * MIB + 12 * MIB;
        assertThat(worker.scripts).hasSize(1).first().asString()
                .isEqualTo(": " + ModeledWorker.MARKER + " /dev/xvdg " + reads + " " + writes);
        assertThat(r.strategy()).isEqualTo(ConversionStrategy.PARTITION_COPY);
        assertThat(r.bootDisk()).isEqualTo("/dev/xvdg");
    }

    @Test
    void resync_writesFollowTheChangeNotTheUsedData_andStayBelowAFullCopy() {
        ConversionCost small = new ModeledConversion(32, GIB, 32 * GIB, 64 * MIB).resyncCost();
        ConversionCost large = new ModeledConversion(32, 16 * GIB, 32 * GIB, 64 * MIB).resyncCost();

        assertThat(large).isEqualTo(small);
        ConversionCost fullCopy = ConversionCost.of(ConversionCost.Method.PARTITION_COPY, 32, GIB);
        assertThat(small.writtenBytes()).isLessThan(fullCopy.writtenBytes() / 10);
        // a change twice as large writes and reads exactly that much more
        ConversionCost doubled = new ModeledConversion(32, GIB, 32 * GIB, 128 * MIB).resyncCost();
        assertThat(doubled.writtenBytes() - small.writtenBytes()).isEqualTo(64 * MIB);
        assertThat(doubled.readBytes() - small.readBytes()).isEqualTo(64 * MIB);
    }

    @Test
    void resync_metadataReadsGrowWithTheFilesystemSize() {
        ConversionCost eight = new ModeledConversion(8, GIB, 8 * GIB, 0).resyncCost();
        ConversionCost thirtyTwo = new ModeledConversion(32, GIB, 32 * GIB, 0).resyncCost();

        assertThat(eight.readBytes()).isEqualTo(256 * MIB);
        assertThat(thirtyTwo.readBytes()).isEqualTo(4 * eight.readBytes());
        assertThat(thirtyTwo.writtenBytes()).isEqualTo(eight.writtenBytes()).isEqualTo(12 * MIB);
    }

    /** Answers every command with success and keeps its script. */
    private static final class RecordingTransport implements CommandTransport {
        final List<String> scripts = new ArrayList<>();

        @Override
        public CommandResult exec(Command command, Consumer<OutputLine> output) {
            scripts.add(command.argv().get(command.argv().size() - 1));
            return new CommandResult(0, "", "", Duration.ZERO, false);
        }

        @Override
        public void upload(byte[] content, String remotePath, int mode) {
            throw new UnsupportedOperationException("the modelled conversion uploads nothing");
        }

        @Override
        public String describe() {
            return "recording worker";
        }
    }
}
