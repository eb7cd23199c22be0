package io.pv2hvm.samples.bench;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionRecipe;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.DeviceLookup;
import io.pv2hvm.core.guest.DataVolumes;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.core.spi.ProgressSink;
import io.pv2hvm.testkit.SimulatedGuest;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The simulated guest, with each conversion's disk I/O sent to the worker as one command that
 * a {@link ModeledWorker} turns into time and written data (see {@link ConversionCost}).
 *
 * <p>{@link #resync PARTITION_COPY's incremental final round} is modelled as rsync does it:
 * <ul>
 *   <li>reads: the metadata of both trees, compared file by file, taken as the whole inode tables
 *       of the source and of the target ({@value #BYTES_PER_INODE_TABLE_BYTE} filesystem bytes per
 *       byte of inode table: mke2fs's default of one 256-byte inode per 16 KiB; an upper bound, the
 *       kernel reads only the table blocks of inodes in use: on the lab's 256 MiB ext4 fixture with
 *       2,300 files and 16 MiB of inode tables, resync read 7.3 MiB of the source's metadata and
 *       3.7 MiB of the target's), plus the changed bytes, read once;</li>
 *   <li>writes: the changed bytes, plus {@value #CONVERSION_REWRITE_MIB} MiB for the conversion
 *       applied again (GRUB2's modules and core image, grub.cfg, fstab, the adapted guest files, and
 *       the metadata and journal or log those writes cause): the lab's ResyncLabTest measured
 *       3.3 MiB on ext4 and 11.4 MiB on XFS beyond the change.</li>
 * </ul>
 * The changed bytes are what the workload wrote after the trial snapshot: rsync copies a changed
 * file whole, so a workload rewriting a few blocks of large files costs more than modelled here,
 * and so does one that wrote in the {@link io.pv2hvm.core.guest.GuestConverter#SOURCE_CLOCK_MARGIN
 * 10 minutes before the snapshot} (files whose change time is that recent are copied again).
 * The bench guest has every driver its targets need; a guest whose initramfs is rebuilt would add
 * the initramfs's size to the writes.
 */
final class ModeledConversion implements GuestConversion {
    static final long BYTES_PER_INODE_TABLE_BYTE = 16384 / 256;
    static final long CONVERSION_REWRITE_MIB = 12;
    private static final long MIB = 1L << 20;

    private final SimulatedGuest guest = SimulatedGuest.typical();
    private final int sizeGiB;
    private final long usedBytes;
    private final long filesystemBytes;
    private final long changedBytes;

    /**
     * A guest on a {@code sizeGiB} root volume whose filesystem of {@code filesystemBytes} holds
     * {@code usedBytes}, of which {@code changedBytes} were written after the trial round.
     */
    ModeledConversion(int sizeGiB, long usedBytes, long filesystemBytes, long changedBytes) {
        this.sizeGiB = sizeGiB;
        this.usedBytes = usedBytes;
        this.filesystemBytes = filesystemBytes;
        this.changedBytes = changedBytes;
    }

    @Override
    public GuestFacts inspect(CommandTransport transport, String device) {
        return guest.inspect(transport, device);
    }

    @Override
    public GuestFacts check(CommandTransport transport, ConversionStrategy strategy, String device, TargetPlatform target) {
        return guest.check(transport, strategy, device, target);
    }

    @Override
    public ConversionResult convert(CommandTransport transport, ConversionStrategy strategy, String sourceDevice,
                                    String targetDevice, TargetPlatform target, DataVolumes dataVolumes,
                                    ProgressSink progress) {
        ConversionCost cost = ConversionCost.of(strategy == ConversionStrategy.IN_PLACE
                ? ConversionCost.Method.IN_PLACE : ConversionCost.Method.PARTITION_COPY, sizeGiB, usedBytes);
        String written = strategy == ConversionStrategy.IN_PLACE ? sourceDevice : targetDevice;
        perform(transport, written, cost);
        return guest.convert(transport, strategy, sourceDevice, targetDevice, target, dataVolumes, progress);
    }

    @Override
    public ConversionResult resync(CommandTransport transport, String sourceDevice, String targetDevice,
                                   Instant trialSnapshotStart, TargetPlatform target, DataVolumes dataVolumes,
                                   ProgressSink progress) {
        perform(transport, targetDevice, resyncCost());
        return guest.convert(transport, ConversionStrategy.PARTITION_COPY, sourceDevice, targetDevice, target, dataVolumes,
                progress);
    }

    /**
     * DUAL_BOOT's live change of the running source, before the stop: what IN_PLACE writes, on the
     * source's own root (so the trial snapshot taken after it and the final snapshot copy it), sent
     * through the transport to the source (SSM on it in the bench).
     */
    @Override
    public ConversionResult dualBoot(CommandTransport sourceTransport, String liveRoot, TargetPlatform target,
                                     DataVolumes dataVolumes, ProgressSink progress) {
        perform(sourceTransport, "/dev/xvda1", ConversionCost.of(ConversionCost.Method.IN_PLACE, sizeGiB, usedBytes));
        return guest.dualBoot(sourceTransport, liveRoot, target, dataVolumes, progress);
    }

    /**
     * IN_PLACE's final round as the real conversion sends it: the simulated guest's ONE command
     * (find the device, inspect, compare with the trial's fingerprint, convert), carrying the
     * conversion's I/O.
     */
    @Override
    public Optional<ConversionResult> convertAsPlanned(CommandTransport transport, DeviceLookup device,
                                                       ConversionRecipe recipe, DataVolumes dataVolumes,
                                                       ProgressSink progress) {
        ConversionCost cost = ConversionCost.of(ConversionCost.Method.IN_PLACE, sizeGiB, usedBytes);
        // where the worker finds the volume: the device name it was attached as (find-device's last argument), Xen-named
        String written = device.args().get(device.args().size() - 1).replace("/dev/sd", "/dev/xvd");
        return guest.convertAsPlanned(new CommandTransport() {
            @Override
            public CommandResult exec(Command command, Consumer<OutputLine> output) {
                // the simulated guest's one command, with the I/O the real one does
                return transport.exec(performing(written, cost), output);
            }

            @Override
            public void upload(byte[] content, String remotePath, int mode) {
                transport.upload(content, remotePath, mode);
            }

            @Override
            public String describe() {
                return transport.describe();
            }
        }, device, recipe, dataVolumes, progress);
    }

    /** What the incremental final round reads and writes (see the class comment). */
    ConversionCost resyncCost() {
        long inodeTables = 2 * (filesystemBytes / BYTES_PER_INODE_TABLE_BYTE);
        return new ConversionCost(inodeTables + changedBytes, changedBytes + CONVERSION_REWRITE_MIB * MIB);
    }

    private static void perform(CommandTransport transport, String writtenDevice, ConversionCost cost) {
        transport.exec(performing(writtenDevice, cost)).orThrow("modelled conversion I/O");
    }

    private static Command performing(String writtenDevice, ConversionCost cost) {
        return Command.bash(": " + ModeledWorker.MARKER + " " + writtenDevice + " " + cost.readBytes() + " "
                + cost.writtenBytes()).withTimeout(Duration.ofHours(1));
    }
}
