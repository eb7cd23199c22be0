package io.pv2hvm.samples.cli;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.PreflightException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code pv2hvm} command line: a sandbox migration against the emulator, and inventory, plan,
 * migrate, resume and sweep against AWS (or any endpoint), plus local image conversion.
 */
@Command(name = "pv2hvm", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        description = "Moves AWS EC2 instances from paravirtual (PV) to HVM.",
        subcommands = {SandboxCommand.class, InventoryCommand.class, PlanCommand.class, MigrateCommand.class,
                ResumeCommand.class, SweepCommand.class, ConvertImageCommand.class, EmulatorCommand.class,
                IamPolicyCommand.class, WorkerImageCommand.class, BenchCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the migration failed and was rolled back, or an AWS/IO error stopped the command",
                "2:bad usage (unknown option, malformed id, confirmation refused)",
                "3:preflight found blockers; nothing was changed",
                "130:stopped by Ctrl-C (SIGINT): rolled back, or says how to resume",
                "143:stopped by SIGTERM: rolled back, or says how to resume"})
public final class Pv2hvm implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Log every EC2 and SSM request and response on stderr (secrets redacted), and on an error"
                    + " print its full cause (the AWS SDK's text and stack trace).")
    boolean debug;

    @Option(names = "--output", scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json: stdout is one JSON document, and an error is one JSON document"
                    + " on stderr ({\"error\":{\"code\":..., \"message\":...}}), as with the AWS CLI's --output.")
    OutputFormat output;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'pv2hvm sandbox',"
                + " or 'pv2hvm help' for the list.");
    }

    /** Runs the CLI and exits with its exit code. */
    public static void main(String[] args) {
        // The SDK logs through SLF4J; the progress display already says what matters.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the CLI in this JVM, writing to {@code out} and {@code err}; returns the exit code (see {@link ExitCode}). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Pv2hvm());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(Colors.ansi(System.getenv(), Terminal.stdoutAndStderr())));
        CommandLine.IParameterExceptionHandler textUsage = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, badArgs) -> {
            CommandSpec command = e.getCommandLine().getCommandSpec();
            if (Output.jsonRequested(command) || Output.jsonRequested(java.util.Arrays.asList(args))) {
                e.getCommandLine().getErr().println(JsonError.usage(e.getMessage()));
                e.getCommandLine().getErr().flush();
                return command.exitCodeOnInvalidInput();
            }
            return textUsage.handleParseException(e, badArgs);
        });
        cli.setExecutionStrategy(parsed -> {
            CommandLine last = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
            if (last.isVersionHelpRequested() && Output.jsonRequested(last.getCommandSpec())) {
                last.getOut().println(Output.json(java.util.Map.of("version",
                        String.join(" ", last.getCommandSpec().root().version()))));
                last.getOut().flush();
                return ExitCode.OK;
            }
            if (Output.debugRequested(last.getCommandSpec())) {
                for (AwsConnection aws : connections(last.getCommandSpec())) {
                    aws.logWire(last.getErr());
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean json = Output.jsonRequested(cmd.getCommandSpec());
            boolean debug = Output.debugRequested(cmd.getCommandSpec());
            if (e instanceof SignalCancellation.Stopped stopped) {
                if (json) {
                    cmd.getErr().println(JsonError.stopped(stopped.exitCode()));
                    cmd.getErr().flush();
                }
                return stopped.exitCode(); // it said what state things are in
            }
            int code = exitCodeOf(e);
            if (json) {
                cmd.getErr().println(JsonError.of(e, target(cmd.getCommandSpec()), debug));
                cmd.getErr().flush();
                return code;
            }
            java.util.Optional<String> setup = SetupErrors.explain(e, target(cmd.getCommandSpec()));
            if (setup.isPresent()) {
                cmd.getErr().println("error: " + setup.get());
                if (e instanceof io.pv2hvm.core.StepFailedException f) {
                    // What was rolled back, and what was not, matters more than brevity.
                    cmd.getErr().println("Migration " + f.migrationId() + " stopped at step " + f.step()
                            + (f.notRolledBack().isEmpty() ? "; nothing it created is left." : ": " + f.getMessage()));
                }
                if (!debug) {
                    cmd.getErr().println("(--debug shows the full cause)");
                }
            } else {
                // A message-less exception is a bug of ours; still say what it was rather than "null".
                cmd.getErr().println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
            if (debug) {
                e.printStackTrace(cmd.getErr());
            }
            if (code == ExitCode.USAGE) {
                cmd.getErr().println("Try 'pv2hvm " + cmd.getCommandName() + " --help'.");
            }
            cmd.getErr().flush();
            return code;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Every {@link AwsConnection} mixed into {@code command}, at any depth. */
    private static java.util.List<AwsConnection> connections(CommandSpec command) {
        java.util.List<AwsConnection> found = new java.util.ArrayList<>();
        for (CommandSpec mixin : command.mixins().values()) {
            if (mixin.userObject() instanceof AwsConnection aws) {
                found.add(aws);
            }
            found.addAll(connections(mixin));
        }
        return found;
    }

    /** Where the failed command sent its AWS calls, from its {@link AwsConnection} (mixed in at any depth). */
    private static SetupErrors.Target target(CommandSpec command) {
        for (CommandSpec mixin : command.mixins().values()) {
            if (mixin.userObject() instanceof AwsConnection aws) {
                return aws.target();
            }
            SetupErrors.Target nested = target(mixin);
            if (nested.region() != null || nested.endpoint() != null || nested.profile() != null) {
                return nested;
            }
        }
        return new SetupErrors.Target(null, null, null);
    }

    private static int exitCodeOf(Exception e) {
        if (e instanceof PreflightException) {
            return ExitCode.BLOCKED;
        }
        if (e instanceof UsageException || e instanceof InvalidSpecException) {
            return ExitCode.USAGE;
        }
        return ExitCode.FAILED;
    }
}
