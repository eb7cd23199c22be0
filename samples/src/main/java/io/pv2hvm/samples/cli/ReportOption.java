package io.pv2hvm.samples.cli;

import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.samples.bench.FleetBenchmark;
import io.pv2hvm.samples.sandbox.ApiCallLog;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;

/** The {@code --report FILE.html} option: a self-contained HTML page of what the command did. */
final class ReportOption {
    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Also write an HTML page (self-contained, opens offline): a timeline of the steps by phase"
                    + " with the downtime window, API calls over time (for a fleet also migrations running and rate-limit"
                    + " waits over time), the resources, the outcome. Written on failure too.")
    Path file;

    /** Checks the file can be written, before anything runs: a bad path changes nothing. */
    void validate() {
        if (file == null) {
            return;
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (!name.toLowerCase(java.util.Locale.ROOT).endsWith(".html")) {
            throw new UsageException("--report takes a file name ending in .html; got '" + file + "'.");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file) || dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new UsageException("--report " + file + ": cannot write there; give a file in an existing, writable"
                    + " directory.");
        }
    }

    /** Runs {@code spec}, then writes the page (also when it fails) if {@code --report} was given. */
    MigrationResult run(MigrationSpec spec, String title, ApiCallLog calls) {
        return run(spec, title, calls, MigrationSpec::run);
    }

    /** The same, running the spec with {@code runner} (e.g. one that handles Ctrl-C). */
    MigrationResult run(MigrationSpec spec, String title, ApiCallLog calls,
                        Function<MigrationSpec, MigrationResult> runner) {
        validate();
        if (file == null) {
            return runner.apply(spec);
        }
        MigrationRecorder recorder = new MigrationRecorder(Clock.systemUTC());
        MigrationResult result;
        try {
            result = runner.apply(spec.withListener(recorder));
        } catch (RuntimeException e) {
            write(HtmlReport.migration(title, recorder, calls.calls(), null, e));
            throw e;
        }
        write(HtmlReport.migration(title, recorder, calls.calls(), result, null));
        return result;
    }

    /** Writes the page of a fleet if {@code --report} was given. */
    void writeFleet(String title, FleetBenchmark.Report fleet) {
        if (file != null) {
            write(HtmlReport.fleet(title, fleet));
        }
    }

    private void write(String html) {
        try {
            Files.writeString(file, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the report " + file + ": " + e.getMessage(), e);
        }
    }
}
