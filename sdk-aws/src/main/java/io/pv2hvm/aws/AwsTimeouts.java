package io.pv2hvm.aws;

import java.time.Duration;

/**
 * How long the AWS steps wait for EC2 before giving up, and how often they look. The defaults
 * are generous for real AWS; tests against the emulator shrink them with its time scale.
 *
 * @param poll          interval between two looks at a resource
 * @param instanceState an instance reaching running / stopped / terminated
 * @param statusChecks  both status checks of a new instance passing
 * @param volume        a volume becoming available or attached
 * @param snapshot      a snapshot completing
 * @param image         an image becoming available
 * @param ipRelease     a terminated instance's private IP becoming free
 * @param command       one command on the worker
 * @param agentOnline   a worker's SSM agent registering (Online in DescribeInstanceInformation)
 *                      once the instance runs
 */
public record AwsTimeouts(Duration poll, Duration instanceState, Duration statusChecks, Duration volume,
                          Duration snapshot, Duration image, Duration ipRelease, Duration command,
                          Duration agentOnline) {
    /** The default wait for a worker's SSM agent: it usually registers within two minutes of boot. */
    public static final Duration DEFAULT_AGENT_ONLINE = Duration.ofMinutes(10);

    /** Refuses a null or negative duration. */
    public AwsTimeouts {
        for (Duration d : new Duration[] {poll, instanceState, statusChecks, volume, snapshot, image, ipRelease,
                command, agentOnline}) {
            if (d == null || d.isNegative()) {
                throw new io.pv2hvm.core.InvalidSpecException("No AWS timeout may be null or negative; got "
                        + d + ". Pass e.g. Duration.ofMinutes(10).");
            }
        }
    }

    /** These timeouts with the default agent wait ({@link #DEFAULT_AGENT_ONLINE}). */
    public AwsTimeouts(Duration poll, Duration instanceState, Duration statusChecks, Duration volume,
                       Duration snapshot, Duration image, Duration ipRelease, Duration command) {
        this(poll, instanceState, statusChecks, volume, snapshot, image, ipRelease, command, DEFAULT_AGENT_ONLINE);
    }

    /** Defaults for real AWS. */
    public static AwsTimeouts defaults() {
        return new AwsTimeouts(Duration.ofSeconds(5), Duration.ofMinutes(15), Duration.ofMinutes(20),
                Duration.ofMinutes(10), Duration.ofHours(3), Duration.ofMinutes(45), Duration.ofMinutes(15),
                Duration.ofHours(2), DEFAULT_AGENT_ONLINE);
    }

    /** These timeouts with another wait for a worker's SSM agent to come online. */
    public AwsTimeouts withAgentOnline(Duration agentOnline) {
        return new AwsTimeouts(poll, instanceState, statusChecks, volume, snapshot, image, ipRelease, command,
                agentOnline);
    }

    /**
     * Every EC2 duration multiplied by {@code factor}, for emulators that run time faster. The
     * command timeout is kept: commands take real time wherever they run.
     */
    public AwsTimeouts scaled(double factor) {
        return new AwsTimeouts(scale(poll, factor), scale(instanceState, factor), scale(statusChecks, factor),
                scale(volume, factor), scale(snapshot, factor), scale(image, factor), scale(ipRelease, factor), command,
                scale(agentOnline, factor));
    }

    private static Duration scale(Duration d, double factor) {
        return Duration.ofMillis(Math.max(1, (long) (d.toMillis() * factor)));
    }
}
