package io.pv2hvm.aws.internal.probe;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What a latency-probe run costs, at most: instance-hours of the launched type and GB-hours of
 * volumes and snapshots, priced with on-demand list prices stated as assumptions for a few regions
 * (https://aws.amazon.com/ec2/pricing/on-demand/, https://aws.amazon.com/ebs/pricing/), and "look
 * up" elsewhere. Linux instances are billed per second with a 60 s minimum
 * (https://aws.amazon.com/ec2/pricing/); a stopped instance pays only for its volumes.
 */
public final class ProbeCost {
    /** Assumed time per repetition: the typical latencies of every transition one after another, plus polls. */
    public static final Duration PER_REPETITION = Duration.ofMinutes(8);

    /** Assumed USD per hour of {@code t3.micro} (Linux, on demand), per region. */
    private static final Map<String, Double> T3_MICRO_HOURLY = Map.of("us-east-1", 0.0104, "us-east-2", 0.0104,
            "us-west-2", 0.0104, "eu-west-1", 0.0114);
    /** Assumed USD per GB-month of gp3, per region. */
    private static final Map<String, Double> GP3_GB_MONTH = Map.of("us-east-1", 0.08, "us-east-2", 0.08,
            "us-west-2", 0.08, "eu-west-1", 0.088);
    /** Assumed USD per GB-month of standard snapshot storage, per region. */
    private static final Map<String, Double> SNAPSHOT_GB_MONTH = Map.of("us-east-1", 0.05, "us-east-2", 0.05,
            "us-west-2", 0.05, "eu-west-1", 0.05);
    private static final double HOURS_PER_MONTH = 730;

    private ProbeCost() {
    }

    /**
     * The estimate as text.
     *
     * @param instances  instances launched per repetition
     * @param rootGiB    each instance's root volume
     * @param volumeGiB  the probe's own volume per repetition
     */
    public static String estimate(String region, String instanceType, int repetitions, int instances, int rootGiB,
                                  int volumeGiB) {
        double hours = repetitions * PER_REPETITION.toSeconds() / 3600.0;
        double instanceHours = instances * hours;
        double volumeGbHours = (instances * rootGiB + volumeGiB) * hours;
        double snapshotGbHours = 2.0 * volumeGiB * hours; // two snapshots of a never-written volume: at most its size
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Cost, at most (%d repetition(s) of about %d min):"
                        + " %.2f instance-hours of %s, %.1f GB-hours of gp3 volumes, %.1f GB-hours of snapshots",
                repetitions, PER_REPETITION.toMinutes(), instanceHours, instanceType, volumeGbHours, snapshotGbHours));
        Double hourly = "t3.micro".equals(instanceType) ? T3_MICRO_HOURLY.get(region) : null;
        Double gp3 = GP3_GB_MONTH.get(region);
        Double snap = SNAPSHOT_GB_MONTH.get(region);
        if (hourly == null || gp3 == null) {
            sb.append(". Prices for ").append(instanceType).append(" in ").append(region)
                    .append(": look up at https://aws.amazon.com/ec2/pricing/on-demand/ and https://aws.amazon.com/ebs/pricing/.");
            return sb.toString();
        }
        double usd = instanceHours * hourly + volumeGbHours * gp3 / HOURS_PER_MONTH + snapshotGbHours * snap / HOURS_PER_MONTH;
        sb.append(String.format(Locale.ROOT, " = about $%.3f. Assumed prices in %s (on demand, Linux; check"
                        + " https://aws.amazon.com/ec2/pricing/on-demand/ and https://aws.amazon.com/ebs/pricing/):"
                        + " %s $%.4f/h, gp3 $%.3f/GB-month, snapshots $%.3f/GB-month; per-second billing, 60 s minimum.",
                usd, region, instanceType, hourly, gp3, snap));
        return sb.toString();
    }
}
