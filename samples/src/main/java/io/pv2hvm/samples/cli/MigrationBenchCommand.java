package io.pv2hvm.samples.cli;

import io.pv2hvm.samples.bench.BenchModel;
import io.pv2hvm.samples.bench.MigrationBenchmark;
import io.pv2hvm.samples.bench.SensitivityTable;
import io.pv2hvm.samples.bench.MigrationBenchmark.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.pv2hvm.testkit.LatencyModel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code pv2hvm bench migration}: pv2hvm's downtime against the physical floor F and the seeds' manual order. */
@Command(name = "migration", mixinStandardHelpOptions = true,
        description = {"Migrates the same PV instance in the emulator with pv2hvm (IN_PLACE, PARTITION_COPY), with"
                + " the seeds' manual order and with the floor F of any image-based cutover (stop, snapshot, register,"
                + " launch, reachable), under one latency model on fair terms, and prints each downtime window, its"
                + " ratio to F against the targets, total time, API calls and each window's critical path (EC2 time)."})
final class MigrationBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", paramLabel = "GIB", split = ",", defaultValue = "8,32",
            description = "Root volume sizes in GiB. Default: 8,32.")
    List<Integer> sizes;

    @Option(names = "--used", paramLabel = "FRACTION", defaultValue = "0.2",
            description = "Share of the root volume holding data. Default: 0.2.")
    double used;

    @Option(names = "--changed-mib", paramLabel = "MIB", defaultValue = "256",
            description = "MiB the workload writes between the trial snapshot and the stop. Default: 256.")
    long changedMib;

    @Option(names = "--snapshot-base", paramLabel = "SECONDS",
            description = "Override the latency model's fixed snapshot time (default 30 s), to see how much the result"
                    + " rests on it.")
    Integer snapshotBase;

    @Option(names = "--stop", paramLabel = "SECONDS",
            description = "Override the latency model's stopping->stopped time (default 45 s).")
    Integer stop;

    @Option(names = "--latencies", paramLabel = "FILE",
            description = "A latency-model file (pv2hvm bench latencies --out) instead of the sourced defaults;"
                    + " --snapshot-base and --stop still override it.")
    java.nio.file.Path latencies;

    @Option(names = "--time-scale", paramLabel = "X", defaultValue = "0.05",
            description = "EC2 latencies run X times real time in the emulator. Default: 0.05.")
    double timeScale;

    @Option(names = "--sensitivity",
            description = "Also print the sensitivity table: every assumption one procedure depends on more than another,"
                    + " low and high, on a fresh emulator each (about 35 rows; minutes at --time-scale 0.02).")
    boolean sensitivity;

    @Override
    public Integer call() {
        Output.refuseJson(spec, "prints a markdown table for a report");
        if (!(used > 0 && used <= 1) || changedMib < 0 || sizes.stream().anyMatch(s -> s < 1 || s > 16384)) {
            throw new UsageException("--used must be in (0, 1], --changed-mib >= 0 and each size between 1 and 16384 GiB.");
        }
        List<Scenario> scenarios = new ArrayList<>();
        for (int size : sizes) {
            scenarios.add(new Scenario(size, size * used, changedMib));
        }
        LatencyModel.Builder latency = LatencyModel.builder();
        String latencySource = "latencies: LatencyModel.realistic() (sourced defaults)";
        if (latencies != null) {
            try {
                io.pv2hvm.testkit.LatencyFile file = io.pv2hvm.testkit.LatencyFile.read(latencies);
                latency = file.model().toBuilder();
                latencySource = latencies + ": " + file.describe();
            } catch (io.pv2hvm.testkit.LatencyFileException e) {
                throw new UsageException("--latencies " + e.getMessage());
            }
        }
        if (snapshotBase != null) {
            latency.snapshotBase(Duration.ofSeconds(snapshotBase));
        }
        if (stop != null) {
            latency.instanceStopping(Duration.ofSeconds(stop));
        }
        System.out.printf(Locale.ROOT, "$ %s%n(effective: --sizes %s --used %s --changed-mib %d --time-scale %s%s)%n",
                BenchCommand.commandLine(spec), String.join(",", sizes.stream().map(String::valueOf).toList()), used,
                changedMib, timeScale, sensitivity ? " --sensitivity" : "");
        System.out.println("(" + latencySource + ")");
        BenchModel model = BenchModel.fair(latency.build());
        new MigrationBenchmark(model, timeScale, System.out).run(scenarios);
        if (sensitivity) {
            new SensitivityTable(model, timeScale, System.out).run(scenarios);
        }
        return ExitCode.OK;
    }
}
