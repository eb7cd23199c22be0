package io.pv2hvm.samples.bench;

import io.pv2hvm.testkit.LatencyModel;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything the migration benchmark's procedures run on: EC2's latencies and the worker's disk
 * rates, in EC2 time. The same model drives the floor, pv2hvm and the seeds' order; the
 * sensitivity table derives variants of it with the {@code with...} methods.
 *
 * @param latency                  EC2's latencies (the benchmark sets the time scale)
 * @param writeMiBPerSecond        what the worker writes to a volume per second
 * @param restoredReadMiBPerSecond what the worker reads per second from a volume restored from a
 *                                 snapshot (every volume a conversion reads in this benchmark is)
 */
public record BenchModel(LatencyModel latency, double writeMiBPerSecond, double restoredReadMiBPerSecond) {
    /** gp3's baseline throughput (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html). */
    public static final double GP3_MIB_PER_SECOND = 125;

    /**
     * The rules that keep the comparison fair, printed with every run. Each removes an assumption
     * only one side paid, or applies it to both.
     */
    public static final List<String> FAIRNESS_RULES = List.of(
            "Every window (floor, pv2hvm, seeds) starts at StopInstances and ends at the same event: EC2's"
                    + " reachability check of the new instance passes (the bench has no health command; pv2hvm's"
                    + " AwaitBootStep ends there). The seeds' test launch waits for the same signal.",
            "CreateImage (the seeds' backup) costs its snapshot plus the same registration latency as RegisterImage"
                    + " (pv2hvm's images), not a separate, longer figure: AWS publishes neither.",
            "Conversion bytes written and read come from the conversion benchmark's row for the same size"
                    + " (interpolated, or the nearest row, where none was measured: printed with each table), for every"
                    + " method by the same rule.",
            "Every disk copy writes at gp3's baseline and reads restored volumes at the same rate (EBS lazy loading"
                    + " is varied in the sensitivity table for all procedures together).",
            "Same poll interval for every wait; the seeds' worker already runs and their independent volumes are"
                    + " created and attached together (benefits only the seeds get).",
            "Terminating the source and releasing its IP: the floor overlaps them with its snapshot, pv2hvm, once its"
                    + " backup image is registered, with its final image; the seeds' order needs the IP back before relaunching, so it waits for both.");

    public BenchModel {
        Objects.requireNonNull(latency, "latency");
        if (!(writeMiBPerSecond > 0) || !(restoredReadMiBPerSecond > 0)) {
            throw new IllegalArgumentException("disk rates must be positive: " + writeMiBPerSecond + ", "
                    + restoredReadMiBPerSecond);
        }
    }

    /**
     * {@code sourced} on fair terms: CreateImage after its snapshots takes RegisterImage's latency
     * (see {@link #FAIRNESS_RULES}), disks run at gp3's baseline.
     */
    public static BenchModel fair(LatencyModel sourced) {
        return new BenchModel(sourced.toBuilder().imageCreation(sourced.imageRegistration()).build(),
                GP3_MIB_PER_SECOND, GP3_MIB_PER_SECOND);
    }

    /** This model with latencies changed by {@code change}. */
    public BenchModel withLatency(UnaryOperator<LatencyModel.Builder> change) {
        return new BenchModel(change.apply(latency.toBuilder()).build(), writeMiBPerSecond, restoredReadMiBPerSecond);
    }

    /** This model with another write rate. */
    public BenchModel withWriteMiBPerSecond(double rate) {
        return new BenchModel(latency, rate, restoredReadMiBPerSecond);
    }

    /** This model with another read rate from restored volumes. */
    public BenchModel withRestoredReadMiBPerSecond(double rate) {
        return new BenchModel(latency, writeMiBPerSecond, rate);
    }
}
