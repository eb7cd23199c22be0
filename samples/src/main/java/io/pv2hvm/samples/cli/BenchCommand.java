package io.pv2hvm.samples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The parent of the benchmarks; each subcommand prints a markdown table under its command line. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: prints the exact command line, then a markdown table.",
        subcommands = {MigrationBenchCommand.class, BenchFleetCommand.class, BenchStartupCommand.class,
                BenchLatenciesCommand.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing benchmark: try 'pv2hvm bench migration'"
                + " or 'pv2hvm bench --help'.");
    }

    /** The command line as the user typed it ({@code pv2hvm bench fleet --instances 100}), for the line above a table. */
    static String commandLine(CommandSpec any) {
        StringBuilder sb = new StringBuilder("pv2hvm");
        for (String arg : any.root().commandLine().getParseResult().originalArgs()) {
            sb.append(' ').append(arg);
        }
        return sb.toString();
    }
}
