package io.pv2hvm.samples.bench;

import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.spi.SsmCommand;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.spi.SsmCommandResult;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A worker whose disk I/O costs time and leaves data behind: a command carrying the
 * {@value #MARKER} line takes as long as its bytes need at the volume's throughput (scaled like
 * every other EC2 latency), and its written bytes are recorded on the volume, so the next
 * snapshot of it copies them. Every other command is answered like {@link SimulatedWorker}.
 */
public final class ModeledWorker implements SsmCommandExecutor {
    /** The marker a modeled conversion sends: {@code pv2hvm-modeled-io <device> <read> <written>}. */
    static final String MARKER = "pv2hvm-modeled-io";
    private static final Pattern IO = Pattern.compile(MARKER + " (/dev/\\S+) (\\d+) (\\d+)");

    private final SimulatedWorker answers = new SimulatedWorker();
    private final double readMiBPerSecond;
    private final double writeMiBPerSecond;
    private final double timeScale;
    private volatile Ec2Emulator emulator;

    /** A worker whose volumes move {@code mibPerSecond} (EC2 time) at the emulator's {@code timeScale}. */
    public ModeledWorker(double mibPerSecond, double timeScale) {
        this(mibPerSecond, mibPerSecond, timeScale);
    }

    /**
     * A worker reading at {@code readMiBPerSecond} (the volumes it reads are restored from snapshots,
     * which EBS may load lazily) and writing at {@code writeMiBPerSecond}, both EC2 time, at the
     * emulator's {@code timeScale}.
     */
    public ModeledWorker(double readMiBPerSecond, double writeMiBPerSecond, double timeScale) {
        this.readMiBPerSecond = readMiBPerSecond;
        this.writeMiBPerSecond = writeMiBPerSecond;
        this.timeScale = timeScale;
    }

    /** Connects the emulator whose volumes the I/O lands on (it is built with this executor). */
    void attachTo(Ec2Emulator emulator) {
        this.emulator = Objects.requireNonNull(emulator);
    }

    @Override
    public SsmCommandResult execute(SsmCommand command) {
        Matcher m = IO.matcher(command.script());
        if (m.find()) {
            // The worker sees Xen names; EC2 attached the volume as /dev/sdX.
            String device = m.group(1).replace("/dev/xvd", "/dev/sd");
            String volume = command.attachedVolumes().get(device);
            if (volume == null) {
                return SsmCommandResult.failure(1, "no volume attached as " + device);
            }
            perform(volume, new ConversionCost(Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
        }
        return answers.execute(command);
    }

    /** Spends the cost's time and records its writes on {@code volumeId}. */
    void perform(String volumeId, ConversionCost cost) {
        Duration real = Duration.ofNanos((long) (cost.at(readMiBPerSecond, writeMiBPerSecond).toNanos() * timeScale));
        try {
            Thread.sleep(real.toMillis(), real.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while modelling disk I/O", e);
        }
        emulator.recordWrite(volumeId, cost.writtenBytes());
    }
}
