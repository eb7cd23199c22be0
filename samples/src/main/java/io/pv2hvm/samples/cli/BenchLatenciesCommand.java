package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.Ec2RateLimits;
import io.pv2hvm.aws.LatencyProbe;
import io.pv2hvm.aws.LatencyProbePlan;
import io.pv2hvm.aws.LatencyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pv2hvm bench latencies}: measures EC2's latencies in the user's account with throwaway,
 * tagged resources ({@link LatencyProbe}) and writes the latency-model file that {@code bench
 * migration --latencies} and the emulator replay. Without {@code --yes} (or a "y" at the prompt)
 * it only prints the dry run.
 */
@Command(name = "latencies", mixinStandardHelpOptions = true,
        description = {"Measures EC2's latencies (launch, boot to status checks, stop, start, terminate, IP release,"
                + " volume create/attach/detach/delete, first and incremental snapshot, RegisterImage, SSM round"
                + " trip) in a region of your account, N times, with small resources it creates, tags"
                + " (pv2hvm:role=latency-probe) and always deletes; writes a latency-model file.",
                "First prints a dry run (what it creates, EC2 DryRun permission checks, a cost estimate); runs only"
                        + " with --yes or a 'y' at the prompt. Ctrl-C still deletes everything."})
final class BenchLatenciesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AwsConnection aws;

    @Option(names = "--subnet", paramLabel = "SUBNET", description = "The subnet to launch the probe's instances in.")
    String subnet;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "3",
            description = "Measure every transition N times (1-" + LatencyProbe.MAX_REPETITIONS + "). Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--instance-profile", paramLabel = "NAME",
            description = "An instance profile whose role has AmazonSSMManagedInstanceCore, for the SSM round trip;"
                    + " without one SSM is not measured.")
    String instanceProfile;

    @Option(names = "--instance-type", paramLabel = "TYPE", defaultValue = LatencyProbe.DEFAULT_INSTANCE_TYPE,
            description = "The type launched. Default: ${DEFAULT-VALUE}.")
    String instanceType;

    @Option(names = "--image-id", paramLabel = "AMI",
            description = "An x86_64 HVM image to launch (default: Ubuntu 24.04 from Canonical's SSM parameter).")
    String imageId;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "pv2hvm-latencies.json",
            description = "Where to write the latency-model file. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--yes", description = "Run after the dry run without asking.")
    boolean yes;

    @Option(names = "--cleanup-only", description = "Only delete what earlier runs left behind (everything tagged"
            + " pv2hvm:role=latency-probe in the region), then exit.")
    boolean cleanupOnly;

    @Override
    public Integer call() {
        Output.refuseJson(spec, "prints a dry run, a markdown table and writes a JSON file");
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (!cleanupOnly && (subnet == null || subnet.isBlank())) {
            throw new UsageException("--subnet is required: the subnet to launch the probe's instances in"
                    + " (`aws ec2 describe-subnets` lists them).");
        }
        if (repeat < 1 || repeat > LatencyProbe.MAX_REPETITIONS) {
            throw new UsageException("--repeat must be between 1 and " + LatencyProbe.MAX_REPETITIONS + "; got " + repeat
                    + ".");
        }
        double scale = aws.timeScale == null ? 1 : aws.timeScale;
        try (Ec2Client ec2 = aws.ec2(); SsmClient ssm = aws.ssm()) {
            LatencyProbe probe = LatencyProbe.builder().ec2(ec2).ssm(ssm).subnet(subnet).repetitions(repeat)
                    .instanceProfile(instanceProfile).instanceType(instanceType).imageId(imageId)
                    .timeouts(aws.timeouts()).timeScale(scale)
                    .rateLimits(Ec2RateLimits.documented().withTimeScale(scale))
                    .progress(line -> {
                        stderr.println(line);
                        stderr.flush();
                    }).build();
            if (cleanupOnly) {
                List<String> deleted = probe.cleanup();
                stdout.println(deleted.isEmpty() ? "Nothing tagged pv2hvm:role=" + LatencyProbe.ROLE + " was left."
                        : "Deleted: " + String.join(", ", deleted));
                return ExitCode.OK;
            }
            stdout.printf("$ %s%n", BenchCommand.commandLine(spec));
            LatencyProbePlan plan = probe.plan();
            stdout.print(plan.toText());
            stdout.flush();
            if (!plan.refusals().isEmpty()) {
                return ExitCode.BLOCKED;
            }
            if (!yes && !confirmed(stdout)) {
                stdout.println("Dry run only: pass --yes (or answer y) to create, measure and delete these resources.");
                return ExitCode.OK;
            }
            Thread hook = new Thread(() -> probe.cancel(Duration.ofMinutes(20)), "pv2hvm-latency-probe-cleanup");
            Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C: stop measuring, delete, then exit
            LatencyReport report;
            try {
                report = probe.run();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it waits for the cleanup
                }
            }
            report.writeTo(out);
            stdout.println();
            stdout.print(report.toTable());
            stdout.println();
            stdout.println("Wrote " + out + ". Replay it: pv2hvm bench migration --latencies " + out
                    + "; pv2hvm emulator --latencies " + out + ". Share it by attaching it to an issue.");
            return ExitCode.OK;
        }
    }

    private static boolean confirmed(PrintWriter stdout) {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        stdout.print("Create, measure and delete these resources now? [y/N] ");
        stdout.flush();
        String answer = console.readLine();
        return answer != null && answer.trim().equalsIgnoreCase("y");
    }
}
