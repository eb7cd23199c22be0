package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.FleetResult;
import io.pv2hvm.samples.bench.CallBreakdown;
import io.pv2hvm.samples.bench.FleetBenchmark;
import io.pv2hvm.samples.bench.FleetWorld;
import io.pv2hvm.samples.bench.Footprint;
import io.pv2hvm.samples.bench.MarkdownTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code pv2hvm bench fleet}: a fleet of PV instances migrated in the emulator under EC2's throttling. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"Migrates a fleet of PV instances in the local emulator with Migrations.fleet(...):"
                + " EC2's documented token buckets on the emulator's scaled clock, pv2hvm's rate limits on the same"
                + " clock, simulated guest and worker. Prints a markdown table: time, concurrency, API calls,"
                + " throttling, and the JVM's footprint (the emulator runs in the same JVM); then the API calls per"
                + " migration by action and by step."})
final class BenchFleetCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--instances", paramLabel = "N", defaultValue = "100",
            description = "PV instances in the fleet (1.." + FleetWorld.MAX_SIZE + "). Default: ${DEFAULT-VALUE}.")
    int instances;

    @Option(names = "--max-concurrent", paramLabel = "N", defaultValue = "10",
            description = "Migrations at once. Default: ${DEFAULT-VALUE}.")
    int maxConcurrent;

    @Option(names = "--time-scale", paramLabel = "X", defaultValue = "0.01",
            description = "EC2 latencies and token-bucket refills run X times real time. Default: ${DEFAULT-VALUE}.")
    double timeScale;

    @Option(names = "--quiet", description = "No line per finished migration on stderr.")
    boolean quiet;

    @picocli.CommandLine.Mixin
    ReportOption htmlReport;

    @Override
    public Integer call() {
        Output.refuseJson(spec, "prints a markdown table for a report");
        if (instances < 1 || instances > FleetWorld.MAX_SIZE) {
            throw new UsageException("--instances must be 1.." + FleetWorld.MAX_SIZE + "; got " + instances + ".");
        }
        if (maxConcurrent < 1) {
            throw new UsageException("--max-concurrent must be at least 1; got " + maxConcurrent + ".");
        }
        if (!(timeScale > 0) || timeScale > 1) {
            throw new UsageException("--time-scale must be in (0, 1]; got " + timeScale + ".");
        }
        htmlReport.validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AtomicInteger done = new AtomicInteger();
        FleetBenchmark.Report report = FleetBenchmark.run(instances, maxConcurrent, timeScale, o -> {
            if (!quiet) {
                err.printf("%3d/%d %s %s%n", done.incrementAndGet(), instances, o.instanceId(),
                        o.succeeded() ? "ok" : "FAILED: " + o.error().getMessage());
                err.flush();
            }
        });
        htmlReport.writeFleet("pv2hvm bench fleet: " + instances + " instances, " + maxConcurrent + " at once",
                report);
        out.println("$ " + BenchCommand.commandLine(spec));
        out.println();
        out.print(table(report));
        // Where the calls went: users see which waits and steps cost them.
        CallBreakdown breakdown = new CallBreakdown(report.apiCalls(), instances);
        out.println();
        out.println("API calls by action (a shared poll round is one call):");
        out.println();
        out.print(breakdown.actionTable());
        out.println();
        out.println("API calls by step (a shared poll round counts for the step of the migration that led it):");
        out.println();
        out.print(breakdown.stepTable());
        out.flush();
        return report.fleet().allSucceeded() ? ExitCode.OK : ExitCode.FAILED;
    }

    private MarkdownTable table(FleetBenchmark.Report r) {
        FleetResult f = r.fleet();
        Footprint.Measured fp = r.footprint();
        double ts = r.timeScale();
        return new MarkdownTable("measure", "value")
                .row("instances", Integer.toString(instances))
                .row("max concurrent", Integer.toString(f.maxConcurrent()))
                .row("time scale (real s per EC2 s)", fmt("%s", ts))
                .row("makespan, real", seconds(f.makespan()))
                .row("makespan, EC2 time (real / time scale)", minutes(f.makespan(), ts))
                .row("peak concurrency", Integer.toString(f.peakConcurrency()))
                .row("migrations ok / failed", f.succeeded().size() + " / " + f.failed().size())
                .row("EC2+SSM API calls by pv2hvm, total", Long.toString(f.apiCalls()))
                .row("EC2+SSM API calls per migration", fmt("%.1f", f.apiCalls() / (double) instances))
                .row("HTTP requests the emulator answered (SDK retries incl.)", Long.toString(r.httpRequests()))
                .row("RequestLimitExceeded answered by the emulator", Long.toString(r.requestLimitExceeded()))
                .row("throttling errors reaching pv2hvm (after SDK retries)", Long.toString(f.throttlingErrors()))
                .row("throttling errors reaching the caller (failed migrations)", Long.toString(f.throttlingFailures()))
                .row("rate-limiter wait, sum over calls, real", seconds(f.rateLimitWait()))
                .row("rate-limiter wait, sum over calls, EC2 time", minutes(f.rateLimitWait(), ts))
                .row("peak heap used", mib(fp.peakHeapBytes()))
                .row("heap used after GC, end of run", mib(fp.heapAfterGcBytes()))
                .row("peak live threads", Integer.toString(fp.peakThreads()))
                .row("process CPU time", seconds(fp.cpu()));
    }

    private static String seconds(Duration d) {
        return fmt("%.1f s", d.toMillis() / 1000.0);
    }

    private static String minutes(Duration real, double timeScale) {
        return fmt("%.1f min", real.toMillis() / 1000.0 / timeScale / 60);
    }

    private static String mib(long bytes) {
        return fmt("%.0f MiB", bytes / 1024.0 / 1024.0);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
