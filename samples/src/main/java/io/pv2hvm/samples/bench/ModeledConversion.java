package io.pv2hvm.samples.bench;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.DataVolumes;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.ProgressSink;
import io.pv2hvm.testkit.SimulatedGuest;

import java.time.Duration;

/**
 * The simulated guest, with each conversion's disk I/O sent to the worker as one command that
 * a {@link ModeledWorker} turns into time and written data (see {@link ConversionCost}).
 */
final class ModeledConversion implements GuestConversion {
    private final SimulatedGuest guest = SimulatedGuest.typical();
    private final int sizeGiB;
    private final long usedBytes;

    /** A conversion of a {@code sizeGiB} root volume whose filesystem holds {@code usedBytes}. */
    ModeledConversion(int sizeGiB, long usedBytes) {
        this.sizeGiB = sizeGiB;
        this.usedBytes = usedBytes;
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
        transport.exec(Command.bash(": " + ModeledWorker.MARKER + " " + written + " " + cost.readBytes() + " "
                + cost.writtenBytes()).withTimeout(Duration.ofHours(1))).orThrow("modelled conversion I/O");
        return guest.convert(transport, strategy, sourceDevice, targetDevice, target, dataVolumes, progress);
    }
}
