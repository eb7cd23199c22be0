package io.pv2hvm.samples.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The {@code --progress} option of commands that run a migration. */
final class ProgressOption {
    @Option(names = "--progress", paramLabel = "STYLE", defaultValue = "auto",
            description = "auto (bars when stderr is a terminal, quiet otherwise), bars, plain (lines for logs: a step's start and end, what it waits for when that changes, else every 20 s) or none.")
    ProgressStyle style;

    /** The display, writing lines to {@code err}, its clock ticking until closed. */
    ProgressDisplay display(PrintWriter err) {
        return new ProgressDisplay(style.resolve(Terminal.stderr()), err, System.err,
                java.time.Clock.systemUTC()).startTicking();
    }
}
