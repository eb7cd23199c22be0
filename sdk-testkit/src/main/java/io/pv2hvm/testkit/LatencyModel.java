package io.pv2hvm.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * How long EC2 takes for each asynchronous transition, in EC2's real time, and a time scale
 * that the emulator multiplies every latency by (0.002 makes a 45 s boot take 90 ms).
 *
 * <p>AWS publishes no durations for these transitions (its pages say "a few minutes"), so the
 * {@link #realistic()} defaults come from public measurements where there are any, and are
 * otherwise stated assumptions:
 * <ul>
 *   <li>pending→running 15 s and running→guest booted 15 s: measured 4.9 s + 17.2 s on c5.xlarge
 *       (https://www.daemonology.net/blog/2021-08-12-EC2-boot-time-benchmarking.html) and at most
 *       17.8 s + 3.2 s on m7i.large with Amazon Linux 2023
 *       (https://github.com/brevdev/ec2-coldboot-research, docs/cold-baseline-results.md);</li>
 *   <li>assumed: stopping→stopped 45 s (AWS: "can take a few minutes",
 *       https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/how-ec2-instance-stop-start-works.html),
 *       shutting-down→terminated 60 s, or 10 s for an instance already stopped; status checks ok
 *       120 s after running (they run every minute); SSM agent online 30 s after running;</li>
 *   <li>assumed: volume creating→available 8 s, attach 5 s, detach 5 s, delete 3 s;
 *       RegisterImage 10 s; CreateImage 90 s after its snapshots complete;</li>
 *   <li>snapshots are incremental, so one takes 30 s + 4 s per GiB of data changed since the
 *       volume's previous snapshot (AWS: the time depends on the changed blocks and cannot be
 *       predicted, https://repost.aws/knowledge-center/ebs-incremental-snapshot-creation-slow);
 *       progress grows linearly;</li>
 *   <li>a terminated instance's private IPs free 5 s after {@code terminated}; it stays listed
 *       for 1 h; SSM command dispatch 1 s and run at least 2 s.</li>
 * </ul>
 * Immutable; use the {@code with...} methods to derive variants.
 */
public final class LatencyModel {

    /** System property holding the default time scale (the build sets 0.002 in tests). */
    public static final String TIME_SCALE_PROPERTY = "pv2hvm.emulator.timeScale";

    private final Duration instancePending;
    private final Duration instanceStopping;
    private final Duration instanceShuttingDown;
    private final Duration stoppedTermination;
    private final Duration guestBoot;
    private final Duration consoleBuffer;
    private final Duration statusChecks;
    private final Duration ssmAgentOnline;
    private final Duration volumeCreating;
    private final Duration volumeAttaching;
    private final Duration volumeDetaching;
    private final Duration volumeDeleting;
    private final Duration snapshotBase;
    private final Duration snapshotPerGiB;
    private final Duration imageRegistration;
    private final Duration imageCreation;
    private final Duration privateIpRelease;
    private final Duration terminatedRetention;
    private final Duration ssmDispatch;
    private final Duration ssmRun;
    private final double timeScale;

    private LatencyModel(Builder b) {
        this.instancePending = b.instancePending;
        this.instanceStopping = b.instanceStopping;
        this.instanceShuttingDown = b.instanceShuttingDown;
        this.stoppedTermination = b.stoppedTermination;
        this.guestBoot = b.guestBoot;
        this.consoleBuffer = b.consoleBuffer;
        this.statusChecks = b.statusChecks;
        this.ssmAgentOnline = b.ssmAgentOnline;
        this.volumeCreating = b.volumeCreating;
        this.volumeAttaching = b.volumeAttaching;
        this.volumeDetaching = b.volumeDetaching;
        this.volumeDeleting = b.volumeDeleting;
        this.snapshotBase = b.snapshotBase;
        this.snapshotPerGiB = b.snapshotPerGiB;
        this.imageRegistration = b.imageRegistration;
        this.imageCreation = b.imageCreation;
        this.privateIpRelease = b.privateIpRelease;
        this.terminatedRetention = b.terminatedRetention;
        this.ssmDispatch = b.ssmDispatch;
        this.ssmRun = b.ssmRun;
        if (!(b.timeScale >= 0)) {
            throw new IllegalArgumentException("time scale must be >= 0: " + b.timeScale);
        }
        this.timeScale = b.timeScale;
    }

    /** Typical EC2 latencies at time scale 1 (real time). */
    public static LatencyModel realistic() {
        return builder().build();
    }

    /** Realistic latencies at the time scale of system property {@value #TIME_SCALE_PROPERTY}, else 1. */
    public static LatencyModel fromSystemProperty() {
        String v = System.getProperty(TIME_SCALE_PROPERTY);
        return realistic().withTimeScale(v == null || v.isBlank() ? 1.0 : Double.parseDouble(v.trim()));
    }

    /** Every transition completes as soon as the model is next observed. */
    public static LatencyModel instant() {
        return realistic().withTimeScale(0);
    }

    /** A builder starting from the realistic defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this model's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** This model with another time scale. */
    public LatencyModel withTimeScale(double scale) {
        return toBuilder().timeScale(scale).build();
    }

    /** The time scale every latency is multiplied by. */
    public double timeScale() {
        return timeScale;
    }

    /** {@code ec2Duration} multiplied by the time scale. */
    public Duration scaled(Duration ec2Duration) {
        return Duration.ofNanos((long) (ec2Duration.toNanos() * timeScale));
    }

    /** pending→running. */
    public Duration instancePending() {
        return instancePending;
    }

    /** stopping→stopped. */
    public Duration instanceStopping() {
        return instanceStopping;
    }

    /** shutting-down→terminated. */
    public Duration instanceShuttingDown() {
        return instanceShuttingDown;
    }

    /** shutting-down→terminated for an instance that was already stopped (no guest to shut down). */
    public Duration stoppedTermination() {
        return stoppedTermination;
    }

    /** running→the guest has booted (console shows the login prompt, services answer). */
    public Duration guestBoot() {
        return guestBoot;
    }

    /**
     * How far GetConsoleOutput's default (non-latest) buffer lags what the guest printed. AWS:
     * the buffer is "posted shortly after an instance transition state" and only the Latest
     * option, on Nitro types, reads the console as it is now
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetConsoleOutput.html); the
     * length of the lag is not documented: assumed 60 s.
     */
    public Duration consoleBuffer() {
        return consoleBuffer;
    }

    /** running→status checks ok. */
    public Duration statusChecks() {
        return statusChecks;
    }

    /** running→SSM agent Online. */
    public Duration ssmAgentOnline() {
        return ssmAgentOnline;
    }

    /** creating→available. */
    public Duration volumeCreating() {
        return volumeCreating;
    }

    /** attaching→attached. */
    public Duration volumeAttaching() {
        return volumeAttaching;
    }

    /** detaching→available. */
    public Duration volumeDetaching() {
        return volumeDetaching;
    }

    /** deleting→gone. */
    public Duration volumeDeleting() {
        return volumeDeleting;
    }

    /** Fixed part of a snapshot's pending→completed time. */
    public Duration snapshotBase() {
        return snapshotBase;
    }

    /** Per-GiB part of a snapshot's pending→completed time. */
    public Duration snapshotPerGiB() {
        return snapshotPerGiB;
    }

    /** Snapshot duration when {@code changedBytes} must be copied (snapshots are incremental). */
    public Duration snapshotOf(long changedBytes) {
        return snapshotBase.plus(Duration.ofNanos((long) (snapshotPerGiB.toNanos() * (changedBytes / (double) (1L << 30)))));
    }

    /** RegisterImage pending→available. */
    public Duration imageRegistration() {
        return imageRegistration;
    }

    /** CreateImage pending→available, counted after its snapshots complete. */
    public Duration imageCreation() {
        return imageCreation;
    }

    /** terminated→private IPs free for reuse. */
    public Duration privateIpRelease() {
        return privateIpRelease;
    }

    /** How long a terminated instance stays visible to DescribeInstances. */
    public Duration terminatedRetention() {
        return terminatedRetention;
    }

    /** SSM command Pending→InProgress. */
    public Duration ssmDispatch() {
        return ssmDispatch;
    }

    /** Minimum SSM command InProgress time. */
    public Duration ssmRun() {
        return ssmRun;
    }

    /**
     * The latencies of a latency-model file ({@link LatencyFile}, written by {@code pv2hvm bench latencies}
     * or {@link #toFile}) over the {@link #realistic()} defaults, at time scale 1.
     *
     * @throws LatencyFileException naming the line and field of a bad, unknown-version or foreign file
     */
    public static LatencyModel fromFile(java.nio.file.Path file) {
        return LatencyFile.read(file).model();
    }

    /** Writes this model's latencies (EC2 time, not the time scale) as a {@link LatencyFile}. */
    public void toFile(java.nio.file.Path file) {
        LatencyFile.write(this, file);
    }

    /** Equal when every latency and the time scale are. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LatencyModel m)) {
            return false;
        }
        return java.util.Arrays.equals(values(), m.values()) && Double.compare(timeScale, m.timeScale) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(values()) * 31 + Double.hashCode(timeScale);
    }

    private Object[] values() {
        return new Object[] {instancePending, instanceStopping, instanceShuttingDown, stoppedTermination, guestBoot,
                consoleBuffer, statusChecks, ssmAgentOnline, volumeCreating, volumeAttaching, volumeDetaching,
                volumeDeleting, snapshotBase, snapshotPerGiB, imageRegistration, imageCreation, privateIpRelease,
                terminatedRetention, ssmDispatch, ssmRun};
    }

    /** Builder for {@link LatencyModel}; all durations are EC2 real time. */
    public static final class Builder {
        private Duration instancePending = Duration.ofSeconds(15);
        private Duration instanceStopping = Duration.ofSeconds(45);
        private Duration instanceShuttingDown = Duration.ofSeconds(60);
        private Duration stoppedTermination = Duration.ofSeconds(10);
        private Duration guestBoot = Duration.ofSeconds(15);
        private Duration consoleBuffer = Duration.ofSeconds(60);
        private Duration statusChecks = Duration.ofSeconds(120);
        private Duration ssmAgentOnline = Duration.ofSeconds(30);
        private Duration volumeCreating = Duration.ofSeconds(8);
        private Duration volumeAttaching = Duration.ofSeconds(5);
        private Duration volumeDetaching = Duration.ofSeconds(5);
        private Duration volumeDeleting = Duration.ofSeconds(3);
        private Duration snapshotBase = Duration.ofSeconds(30);
        private Duration snapshotPerGiB = Duration.ofSeconds(4);
        private Duration imageRegistration = Duration.ofSeconds(10);
        private Duration imageCreation = Duration.ofSeconds(90);
        private Duration privateIpRelease = Duration.ofSeconds(5);
        private Duration terminatedRetention = Duration.ofHours(1);
        private Duration ssmDispatch = Duration.ofSeconds(1);
        private Duration ssmRun = Duration.ofSeconds(2);
        private double timeScale = 1.0;

        private Builder() {
        }

        private Builder(LatencyModel m) {
            instancePending = m.instancePending;
            instanceStopping = m.instanceStopping;
            instanceShuttingDown = m.instanceShuttingDown;
            stoppedTermination = m.stoppedTermination;
            guestBoot = m.guestBoot;
            consoleBuffer = m.consoleBuffer;
            statusChecks = m.statusChecks;
            ssmAgentOnline = m.ssmAgentOnline;
            volumeCreating = m.volumeCreating;
            volumeAttaching = m.volumeAttaching;
            volumeDetaching = m.volumeDetaching;
            volumeDeleting = m.volumeDeleting;
            snapshotBase = m.snapshotBase;
            snapshotPerGiB = m.snapshotPerGiB;
            imageRegistration = m.imageRegistration;
            imageCreation = m.imageCreation;
            privateIpRelease = m.privateIpRelease;
            terminatedRetention = m.terminatedRetention;
            ssmDispatch = m.ssmDispatch;
            ssmRun = m.ssmRun;
            timeScale = m.timeScale;
        }

        /** Sets pending→running. */
        public Builder instancePending(Duration d) { instancePending = req(d); return this; }
        /** Sets stopping→stopped. */
        public Builder instanceStopping(Duration d) { instanceStopping = req(d); return this; }
        /** Sets shutting-down→terminated. */
        public Builder instanceShuttingDown(Duration d) { instanceShuttingDown = req(d); return this; }
        /** Sets shutting-down→terminated for an instance that was stopped. */
        public Builder stoppedTermination(Duration d) { stoppedTermination = req(d); return this; }
        /** Sets running→guest booted. */
        public Builder guestBoot(Duration d) { guestBoot = req(d); return this; }

        /** Sets how far the non-latest console buffer lags the guest's output. */
        public Builder consoleBuffer(Duration d) { consoleBuffer = req(d); return this; }
        /** Sets running→status checks ok. */
        public Builder statusChecks(Duration d) { statusChecks = req(d); return this; }
        /** Sets running→SSM agent Online. */
        public Builder ssmAgentOnline(Duration d) { ssmAgentOnline = req(d); return this; }
        /** Sets volume creating→available. */
        public Builder volumeCreating(Duration d) { volumeCreating = req(d); return this; }
        /** Sets attaching→attached. */
        public Builder volumeAttaching(Duration d) { volumeAttaching = req(d); return this; }
        /** Sets detaching→available. */
        public Builder volumeDetaching(Duration d) { volumeDetaching = req(d); return this; }
        /** Sets deleting→gone. */
        public Builder volumeDeleting(Duration d) { volumeDeleting = req(d); return this; }
        /** Sets the fixed part of a snapshot's duration. */
        public Builder snapshotBase(Duration d) { snapshotBase = req(d); return this; }
        /** Sets the per-GiB part of a snapshot's duration. */
        public Builder snapshotPerGiB(Duration d) { snapshotPerGiB = req(d); return this; }
        /** Sets RegisterImage pending→available. */
        public Builder imageRegistration(Duration d) { imageRegistration = req(d); return this; }
        /** Sets CreateImage pending→available after its snapshots complete. */
        public Builder imageCreation(Duration d) { imageCreation = req(d); return this; }
        /** Sets terminated→private IPs reusable. */
        public Builder privateIpRelease(Duration d) { privateIpRelease = req(d); return this; }
        /** Sets how long terminated instances stay listed. */
        public Builder terminatedRetention(Duration d) { terminatedRetention = req(d); return this; }
        /** Sets SSM Pending→InProgress. */
        public Builder ssmDispatch(Duration d) { ssmDispatch = req(d); return this; }
        /** Sets the minimum SSM InProgress time. */
        public Builder ssmRun(Duration d) { ssmRun = req(d); return this; }
        /** Sets the multiplier applied to every latency. */
        public Builder timeScale(double s) { timeScale = s; return this; }

        /** Builds the model. */
        public LatencyModel build() {
            return new LatencyModel(this);
        }

        private static Duration req(Duration d) {
            Objects.requireNonNull(d, "duration");
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative latency: " + d);
            }
            return d;
        }
    }
}
