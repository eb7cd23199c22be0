package io.pv2hvm.samples.cli;

import io.pv2hvm.samples.bench.MarkdownTable;
import io.pv2hvm.samples.bench.StartupBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** {@code pv2hvm bench startup}: how long the CLI takes to start, launched afresh each time. */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = {"Launches 'java -jar <the shaded CLI jar> --version' and 'plan --help' N times each and prints"
                + " min / median / max wall time per command (JVM start included)."})
final class BenchStartupCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "10", description = "Launches per command. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--jar", paramLabel = "FILE",
            description = "The shaded CLI jar. Default: the jar this runs from, else samples/target/pv2hvm-cli.jar.")
    Path jar;

    @Override
    public Integer call() {
        Output.refuseJson(spec, "prints a markdown table for a report");
        if (runs < 1) {
            throw new UsageException("--runs must be at least 1; got " + runs + ".");
        }
        Path cli = jar != null ? jar : defaultJar();
        if (!Files.isRegularFile(cli)) {
            throw new UsageException("No CLI jar at " + cli + ": build it with ./pv2hvm --version, or pass --jar.");
        }
        PrintWriter out = spec.commandLine().getOut();
        MarkdownTable table = new MarkdownTable("command", "runs", "min", "median", "max");
        for (List<String> args : List.of(List.of("--version"), List.of("plan", "--help"))) {
            StartupBenchmark.Timings t = StartupBenchmark.measure(cli, runs, args.toArray(String[]::new));
            table.row("`" + String.join(" ", t.command()) + "`", Integer.toString(runs), ms(t.min()), ms(t.median()),
                    ms(t.max()));
        }
        out.println("$ " + BenchCommand.commandLine(spec));
        out.println();
        out.print(table);
        out.flush();
        return ExitCode.OK;
    }

    private static Path defaultJar() {
        try {
            Path self = Path.of(BenchStartupCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self) && self.toString().endsWith(".jar")) {
                return self;
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // not run from a jar: fall back to the build's
        }
        return Path.of("samples", "target", "pv2hvm-cli.jar");
    }

    private static String ms(Duration d) {
        return String.format(Locale.ROOT, "%d ms", d.toMillis());
    }
}
