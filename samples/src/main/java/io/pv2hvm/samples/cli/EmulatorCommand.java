package io.pv2hvm.samples.cli;

import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.ThrottlingPolicy;
import io.pv2hvm.testkit.world.World;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs the EC2 + SSM emulator standalone, for this CLI, the AWS CLI or any SDK. */
@Command(name = "emulator", mixinStandardHelpOptions = true,
        description = {"Runs the offline EC2 + SSM emulator until interrupted (Ctrl-C).",
                "Seeded with the sandbox's PV web server unless --seed; its worker answers SSM commands without"
                        + " disks, so migrate with --simulate-guest."})
final class EmulatorCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "4566", description = "Port (0: any free). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "localhost", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--seed", paramLabel = "FILE", description = "A world as JSON (see sdk-testkit's World).")
    Path seed;

    @Option(names = "--time-scale", paramLabel = "X", defaultValue = "0.01",
            description = "EC2 latencies run X times real time. Default: ${DEFAULT-VALUE}; pass the same to"
                    + " --emulator-time-scale.")
    double timeScale;

    @Option(names = "--latencies", paramLabel = "FILE",
            description = "A latency-model file (pv2hvm bench latencies --out) instead of the sourced defaults.")
    java.nio.file.Path latencies;

    @Option(names = "--throttling", description = "Apply EC2's documented request rate limits.")
    boolean throttling;

    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be 0..65535; got " + port + ".");
        }
        if (!(timeScale >= 0)) {
            throw new UsageException("--time-scale must be >= 0; got " + timeScale + ".");
        }
        if (seed != null && !Files.isRegularFile(seed)) {
            throw new UsageException("--seed " + seed + " is not a file.");
        }
        LatencyModel model = LatencyModel.realistic();
        if (latencies != null) {
            try {
                model = LatencyModel.fromFile(latencies);
            } catch (io.pv2hvm.testkit.LatencyFileException e) {
                throw new UsageException("--latencies " + e.getMessage());
            }
        }
        World world = seed != null ? World.fromJson(seed) : SandboxWorld.simulated();
        Ec2Emulator emulator = Ec2Emulator.builder().port(port).bindAddress(bind).world(world)
                .latency(model.withTimeScale(timeScale)).ssmExecutor(new SimulatedWorker())
                .throttling(throttling ? ThrottlingPolicy.documented() : ThrottlingPolicy.disabled()).build().start();
        Thread hook = new Thread(stop::countDown, "pv2hvm-emulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        if (Output.jsonRequested(spec)) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("endpoint", emulator.endpoint().toString());
            doc.put("region", Ec2Emulator.REGION);
            doc.put("timeScale", timeScale);
            out.println(Output.json(doc));
        } else {
            out.println("EC2/SSM emulator listening on " + emulator.endpoint() + " (region " + Ec2Emulator.REGION
                    + ", EC2 latencies x" + timeScale + ")");
            out.println("  ./pv2hvm inventory --endpoint-url " + emulator.endpoint() + " --emulator-time-scale "
                    + timeScale);
            out.println("  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws ec2 describe-instances --endpoint-url "
                    + emulator.endpoint() + " --region " + Ec2Emulator.REGION);
        }
        out.flush();
        boolean interrupted = false;
        try {
            stop.await();
        } catch (InterruptedException e) {
            interrupted = true; // asked to stop: shut down cleanly, then pass the interrupt on
        }
        emulator.stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting anyway
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.OK;
    }
}
