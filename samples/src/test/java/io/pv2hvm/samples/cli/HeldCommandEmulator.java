package io.pv2hvm.samples.cli;

import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The sandbox world in an emulator whose simulated worker holds the first command it gets (once
 * {@link #holdOnlyWhen} says so) until {@link #release()}: a CLI in another JVM is then known to be
 * inside that step. Tracks the JVMs the test {@link #spawn}s and kills them on {@link #close()}.
 */
final class HeldCommandEmulator implements AutoCloseable {
    final Ec2Emulator emulator;
    final Ec2Client ec2;
    final SsmClient ssm;
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Process> spawned = new ArrayList<>();
    private volatile BooleanSupplier holdWhen = () -> true;

    HeldCommandEmulator(String timeScale) {
        SimulatedWorker worker = new SimulatedWorker();
        emulator = Ec2Emulator.builder().latency(LatencyModel.realistic().withTimeScale(Double.parseDouble(timeScale)))
                .ssmExecutor(command -> {
                    if (held.getCount() > 0 && holdWhen.getAsBoolean()) {
                        held.countDown();
                        release.await(2, TimeUnit.MINUTES);
                    }
                    return worker.execute(command);
                }).world(SandboxWorld.simulated()).build().start();
        ec2 = emulator.ec2Client();
        ssm = emulator.ssmClient();
    }

    /** Holds the first command that arrives while {@code condition} holds (by default, the first command). */
    void holdOnlyWhen(BooleanSupplier condition) {
        holdWhen = condition;
    }

    /** Starts {@code pb}, to be killed on {@link #close()} if still running. */
    Process spawn(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        spawned.add(p);
        return p;
    }

    /** Waits until the worker holds a command, failing with {@code output} if {@code cli} ends or 3 min pass first. */
    void awaitHeld(Process cli, Supplier<String> output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!held.await(100, TimeUnit.MILLISECONDS)) {
            if (!cli.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the CLI never reached the held worker command (exit "
                        + (cli.isAlive() ? "none" : cli.exitValue()) + "):\n" + output.get());
            }
        }
    }

    /** Lets the held command (and any later one) run. */
    void release() {
        release.countDown();
    }

    @Override
    public void close() throws Exception {
        release();
        for (Process p : spawned) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        ssm.close();
        ec2.close();
        emulator.stop();
    }
}
