package io.pv2hvm.samples.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The {@code --progress} option of commands that run a migration. */
final class ProgressOption {
    @Option(names = "--progress", paramLabel = "STYLE", defaultValue = "auto",
            description = "auto (bars on a terminal, quiet otherwise), bars, plain (a line per step) or none.")
    ProgressStyle style;

    /** The display, writing lines to {@code err}. */
    ProgressDisplay display(PrintWriter err) {
        return new ProgressDisplay(style.resolve(System.console() != null), err, System.err);
    }
}
