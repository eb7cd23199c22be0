package io.pv2hvm.aws;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How long the AWS steps wait for EC2 before giving up, and how often they look. The defaults
 * are generous for real AWS; tests against the emulator shrink them with its time scale.
 *
 * <pre>{@code
 * AwsTimeouts t = AwsTimeouts.builder().snapshot(Duration.ofHours(6)).build();   // the rest as defaults()
 * }</pre>
 *
 * <p>Immutable; a new wait can be added without breaking callers, who set only what they change.
 */
public final class AwsTimeouts {
    /** The default wait for a worker's SSM agent: it usually registers within two minutes of boot. */
    public static final Duration DEFAULT_AGENT_ONLINE = Duration.ofMinutes(10);

    private final Duration poll;
    private final Duration instanceState;
    private final Duration statusChecks;
    private final Duration volume;
    private final Duration snapshot;
    private final Duration image;
    private final Duration ipRelease;
    private final Duration command;
    private final Duration agentOnline;

    /** For the builder (nine durations in a row are easy to swap). Refuses a null or negative duration. */
    private AwsTimeouts(Duration poll, Duration instanceState, Duration statusChecks, Duration volume,
                       Duration snapshot, Duration image, Duration ipRelease, Duration command,
                       Duration agentOnline) {
        for (Duration d : new Duration[] {poll, instanceState, statusChecks, volume, snapshot, image, ipRelease,
                command, agentOnline}) {
            if (d == null || d.isNegative()) {
                throw new io.pv2hvm.core.InvalidSpecException("No AWS timeout may be null or negative; got "
                        + d + ". Pass e.g. Duration.ofMinutes(10).");
            }
        }
        this.poll = poll;
        this.instanceState = instanceState;
        this.statusChecks = statusChecks;
        this.volume = volume;
        this.snapshot = snapshot;
        this.image = image;
        this.ipRelease = ipRelease;
        this.command = command;
        this.agentOnline = agentOnline;
    }

    /** Defaults for real AWS. */
    public static AwsTimeouts defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these timeouts. */
    public Builder toBuilder() {
        return new Builder().poll(poll).instanceState(instanceState).statusChecks(statusChecks).volume(volume)
                .snapshot(snapshot).image(image).ipRelease(ipRelease).command(command).agentOnline(agentOnline);
    }

    /** Interval between two looks at a resource. */
    public Duration poll() {
        return poll;
    }

    /** An instance reaching running / stopped / terminated. */
    public Duration instanceState() {
        return instanceState;
    }

    /** Both status checks of a new instance passing. */
    public Duration statusChecks() {
        return statusChecks;
    }

    /** A volume becoming available or attached. */
    public Duration volume() {
        return volume;
    }

    /** A snapshot completing. */
    public Duration snapshot() {
        return snapshot;
    }

    /** An image becoming available. */
    public Duration image() {
        return image;
    }

    /** A terminated instance's private IP becoming free. */
    public Duration ipRelease() {
        return ipRelease;
    }

    /** One command on the worker. */
    public Duration command() {
        return command;
    }

    /** A worker's SSM agent registering (Online in DescribeInstanceInformation) once the instance runs. */
    public Duration agentOnline() {
        return agentOnline;
    }

    /** These timeouts with another wait for a worker's SSM agent to come online. */
    public AwsTimeouts withAgentOnline(Duration agentOnline) {
        return toBuilder().agentOnline(agentOnline).build();
    }

    /**
     * Every EC2 duration multiplied by {@code factor}, for emulators that run time faster. The
     * command timeout is kept: commands take real time wherever they run.
     */
    public AwsTimeouts scaled(double factor) {
        return toBuilder().poll(scale(poll, factor)).instanceState(scale(instanceState, factor))
                .statusChecks(scale(statusChecks, factor)).volume(scale(volume, factor))
                .snapshot(scale(snapshot, factor)).image(scale(image, factor)).ipRelease(scale(ipRelease, factor))
                .agentOnline(scale(agentOnline, factor)).build();
    }

    private static Duration scale(Duration d, double factor) {
        return Duration.ofMillis(Math.max(1, (long) (d.toMillis() * factor)));
    }

    private List<Duration> all() {
        return List.of(poll, instanceState, statusChecks, volume, snapshot, image, ipRelease, command, agentOnline);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AwsTimeouts other && all().equals(other.all());
    }

    @Override
    public int hashCode() {
        return all().hashCode();
    }

    @Override
    public String toString() {
        return "AwsTimeouts[poll=" + poll + ", instanceState=" + instanceState + ", statusChecks=" + statusChecks
                + ", volume=" + volume + ", snapshot=" + snapshot + ", image=" + image + ", ipRelease=" + ipRelease
                + ", command=" + command + ", agentOnline=" + agentOnline + "]";
    }

    /** Builds {@link AwsTimeouts}; every wait starts at its default for real AWS. */
    public static final class Builder {
        private Duration poll = Duration.ofSeconds(5);
        private Duration instanceState = Duration.ofMinutes(15);
        private Duration statusChecks = Duration.ofMinutes(20);
        private Duration volume = Duration.ofMinutes(10);
        private Duration snapshot = Duration.ofHours(3);
        private Duration image = Duration.ofMinutes(45);
        private Duration ipRelease = Duration.ofMinutes(15);
        private Duration command = Duration.ofHours(2);
        private Duration agentOnline = DEFAULT_AGENT_ONLINE;

        private Builder() {
        }

        /** Interval between two looks at a resource (default 5 s). */
        public Builder poll(Duration d) {
            this.poll = Objects.requireNonNull(d, "poll");
            return this;
        }

        /** An instance reaching running / stopped / terminated (default 15 min). */
        public Builder instanceState(Duration d) {
            this.instanceState = Objects.requireNonNull(d, "instanceState");
            return this;
        }

        /** Both status checks of a new instance passing (default 20 min). */
        public Builder statusChecks(Duration d) {
            this.statusChecks = Objects.requireNonNull(d, "statusChecks");
            return this;
        }

        /** A volume becoming available or attached (default 10 min). */
        public Builder volume(Duration d) {
            this.volume = Objects.requireNonNull(d, "volume");
            return this;
        }

        /** A snapshot completing (default 3 h). */
        public Builder snapshot(Duration d) {
            this.snapshot = Objects.requireNonNull(d, "snapshot");
            return this;
        }

        /** An image becoming available (default 45 min). */
        public Builder image(Duration d) {
            this.image = Objects.requireNonNull(d, "image");
            return this;
        }

        /** A terminated instance's private IP becoming free (default 15 min). */
        public Builder ipRelease(Duration d) {
            this.ipRelease = Objects.requireNonNull(d, "ipRelease");
            return this;
        }

        /** One command on the worker (default 2 h). */
        public Builder command(Duration d) {
            this.command = Objects.requireNonNull(d, "command");
            return this;
        }

        /** A worker's SSM agent coming online once the instance runs (default {@link AwsTimeouts#DEFAULT_AGENT_ONLINE}). */
        public Builder agentOnline(Duration d) {
            this.agentOnline = Objects.requireNonNull(d, "agentOnline");
            return this;
        }

        /**
         * The timeouts.
         *
         * @throws io.pv2hvm.core.InvalidSpecException when a duration is negative
         */
        @SuppressWarnings("deprecation")
        public AwsTimeouts build() {
            return new AwsTimeouts(poll, instanceState, statusChecks, volume, snapshot, image, ipRelease, command,
                    agentOnline);
        }
    }
}
