package io.pv2hvm.samples.bench;

import io.pv2hvm.samples.bench.MigrationBenchmark.Comparison;
import io.pv2hvm.samples.bench.MigrationBenchmark.Scenario;
import io.pv2hvm.testkit.LatencyModel;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * Reruns the floor, pv2hvm (IN_PLACE, PARTITION_COPY and the opt-in DUAL_BOOT) and the seeds'
 * order with one assumption of the model changed at a time, low and high, on a fresh emulator
 * each, and prints F, each window over F, pv2hvm over the seeds, and the range of every ratio
 * (DUAL_BOOT's without a target: it is opt-in). It varies every assumption one procedure
 * depends on more than another (issue #16). Rows whose assumption scales with the data run at
 * every size given; the others at the first.
 */
public final class SensitivityTable {
    /** One assumption set to one value. */
    public record Variation(String assumption, String value, boolean sizeDependent, UnaryOperator<BenchModel> apply) {
    }

    /** An assumption, its low and high variations, and where the range comes from. */
    public record Assumption(String name, String rangeSource, Variation low, Variation high) {
    }

    /** One row: a variation at a size, and its comparison. */
    public record Row(Variation variation, int sizeGiB, Comparison comparison) {
    }

    private final BenchModel base;
    private final double timeScale;
    private final PrintStream out;

    /** A table varying {@code base} (the fair, sourced model), run at {@code timeScale}, printing to {@code out}. */
    public SensitivityTable(BenchModel base, double timeScale, PrintStream out) {
        this.base = base;
        this.timeScale = timeScale;
        this.out = out;
    }

    /** The assumptions varied, with their low and high values. */
    public static List<Assumption> assumptions() {
        return List.of(
                latency("stop (stopping → stopped)", "AWS: \"can take a few minutes\""
                        + " (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/how-ec2-instance-stop-start-works.html); stated range",
                        "15 s", b -> b.instanceStopping(s(15)), "180 s", b -> b.instanceStopping(s(180))),
                latency("snapshot, fixed part", "AWS: cannot be predicted"
                        + " (https://repost.aws/knowledge-center/ebs-incremental-snapshot-creation-slow); stated range",
                        "10 s", b -> b.snapshotBase(s(10)), "120 s", b -> b.snapshotBase(s(120))),
                new Assumption("snapshot, per GiB changed", "AWS: depends on the changed blocks"
                        + " (https://repost.aws/knowledge-center/ebs-incremental-snapshot-creation-slow); stated range",
                        new Variation("snapshot, per GiB changed", "1 s", true, m -> m.withLatency(b -> b.snapshotPerGiB(s(1)))),
                        new Variation("snapshot, per GiB changed", "15 s", true, m -> m.withLatency(b -> b.snapshotPerGiB(s(15))))),
                latency("RegisterImage (and CreateImage's registration)", "unpublished; stated range",
                        "2 s", b -> b.imageRegistration(s(2)).imageCreation(s(2)),
                        "60 s", b -> b.imageRegistration(s(60)).imageCreation(s(60))),
                latency("CreateImage after its snapshots (seeds only)", "the former one-sided 90 s, and more",
                        "90 s", b -> b.imageCreation(s(90)), "300 s", b -> b.imageCreation(s(300))),
                latency("reachability / status checks after running", "AWS: checks run every minute"
                        + " (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-system-instance-status-check.html); stated range",
                        "60 s", b -> b.statusChecks(s(60)), "300 s", b -> b.statusChecks(s(300))),
                latency("terminate (stopped; running)", "unpublished; stated range",
                        "2 s; 20 s", b -> b.stoppedTermination(s(2)).instanceShuttingDown(s(20)),
                        "60 s; 180 s", b -> b.stoppedTermination(s(60)).instanceShuttingDown(s(180))),
                latency("private IP released after terminated", "unpublished; stated range",
                        "0 s", b -> b.privateIpRelease(Duration.ZERO), "60 s", b -> b.privateIpRelease(s(60))),
                latency("CreateVolume / attach / detach", "unpublished; stated range",
                        "2 / 2 / 2 s", b -> b.volumeCreating(s(2)).volumeAttaching(s(2)).volumeDetaching(s(2)),
                        "30 / 15 / 15 s", b -> b.volumeCreating(s(30)).volumeAttaching(s(15)).volumeDetaching(s(15))),
                new Assumption("disk writes, MiB/s", "gp3: 125 baseline, up to 1000 provisioned"
                        + " (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html)",
                        new Variation("disk writes, MiB/s", "60", true, m -> m.withWriteMiBPerSecond(60)),
                        new Variation("disk writes, MiB/s", "500", true, m -> m.withWriteMiBPerSecond(500))),
                new Assumption("reads of restored volumes (lazy loading), MiB/s", "AWS: blocks load from S3 on first"
                        + " access, rate unpublished (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-initialize.html);"
                        + " stated range",
                        new Variation("reads of restored volumes (lazy loading), MiB/s", "20", true,
                                m -> m.withRestoredReadMiBPerSecond(20)),
                        new Variation("reads of restored volumes (lazy loading), MiB/s", "60", true,
                                m -> m.withRestoredReadMiBPerSecond(60))),
                latency("SSM dispatch + run", "unpublished; stated range",
                        "0.5 + 1 s", b -> b.ssmDispatch(Duration.ofMillis(500)).ssmRun(s(1)),
                        "5 + 10 s", b -> b.ssmDispatch(s(5)).ssmRun(s(10))),
                latency("launch (pending → running)", "measured 4.9–17.8 s (LatencyModel); stated range",
                        "5 s", b -> b.instancePending(s(5)), "60 s", b -> b.instancePending(s(60))),
                latency("boot (running → guest serving)", "measured 3.2–17.2 s (LatencyModel); stated range",
                        "5 s", b -> b.guestBoot(s(5)), "60 s", b -> b.guestBoot(s(60))));
    }

    /** The row of the sourced model, every assumption at its default. */
    public static final Variation SOURCED = new Variation("sourced model (all defaults)", "-", true, UnaryOperator.identity());

    /** Runs the base model and every variation at {@code sizes} (size-independent rows at the first size only); prints the table. */
    public List<Row> run(List<Scenario> sizes) {
        List<Variation> variations = new ArrayList<>(List.of(SOURCED));
        assumptions().forEach(a -> variations.addAll(List.of(a.low(), a.high())));
        return run(sizes, variations);
    }

    /** Runs {@code variations} at {@code sizes} (size-independent ones at the first size only); prints the table. */
    List<Row> run(List<Scenario> sizes, List<Variation> variations) {
        List<Row> rows = new ArrayList<>();
        out.println();
        out.println("### Sensitivity: one assumption changed at a time (time scale " + timeScale
                + ", the five procedures of a row run at the same time)");
        out.println();
        out.println("| assumption | value | size | F | IN_PLACE / F | PARTITION_COPY / F | DUAL_BOOT / F (opt-in) | seeds / F"
                + " | IN_PLACE / seeds | PARTITION_COPY / seeds |");
        out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Variation v : variations) {
            for (Scenario s : v.sizeDependent() ? sizes : sizes.subList(0, 1)) {
                Comparison c = new MigrationBenchmark(v.apply().apply(base), timeScale, out).compareConcurrently(s);
                rows.add(new Row(v, s.sizeGiB(), c));
                out.printf(Locale.ROOT, "| %s | %s | %d GiB | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                        v.assumption(), v.value(), s.sizeGiB(), MigrationBenchmark.human(c.floor().window()),
                        c.overFloor(c.inPlace()), c.overFloor(c.partitionCopy()), c.overFloor(c.dualBoot()),
                        c.overFloor(c.seeds()), c.overSeeds(c.inPlace()), c.overSeeds(c.partitionCopy()));
            }
        }
        out.println();
        out.println("Range over all rows:");
        range(rows, "IN_PLACE / F", c -> c.overFloor(c.inPlace()));
        range(rows, "PARTITION_COPY / F", c -> c.overFloor(c.partitionCopy()));
        range(rows, "DUAL_BOOT / F (opt-in, no target)", c -> c.overFloor(c.dualBoot()));
        range(rows, "seeds / F", c -> c.overFloor(c.seeds()));
        range(rows, "IN_PLACE / seeds", c -> c.overSeeds(c.inPlace()));
        range(rows, "PARTITION_COPY / seeds", c -> c.overSeeds(c.partitionCopy()));
        long failing = rows.stream().filter(r -> !r.comparison().meetsTargets()).count();
        out.printf(Locale.ROOT, "Targets (IN_PLACE ≤ %.2f × F, PARTITION_COPY ≤ %.2f × F) on every row: %s (%d of %d rows fail).%n",
                MigrationBenchmark.IN_PLACE_TARGET, MigrationBenchmark.PARTITION_COPY_TARGET,
                failing == 0 ? "PASS" : "FAIL", failing, rows.size());
        out.println();
        out.println("Where each range comes from:");
        assumptions().forEach(a -> out.println("- " + a.name() + ": " + a.low().value() + " to " + a.high().value()
                + ". " + a.rangeSource() + "."));
        return rows;
    }

    private void range(List<Row> rows, String name, ToDoubleFunction<Comparison> ratio) {
        double min = rows.stream().mapToDouble(r -> ratio.applyAsDouble(r.comparison())).min().orElse(Double.NaN);
        double max = rows.stream().mapToDouble(r -> ratio.applyAsDouble(r.comparison())).max().orElse(Double.NaN);
        out.printf(Locale.ROOT, "- %s: %.2f – %.2f%n", name, min, max);
    }

    private static Assumption latency(String name, String source, String low,
                                      UnaryOperator<LatencyModel.Builder> lowChange, String high,
                                      UnaryOperator<LatencyModel.Builder> highChange) {
        return new Assumption(name, source, new Variation(name, low, false, m -> m.withLatency(lowChange)),
                new Variation(name, high, false, m -> m.withLatency(highChange)));
    }

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }
}
