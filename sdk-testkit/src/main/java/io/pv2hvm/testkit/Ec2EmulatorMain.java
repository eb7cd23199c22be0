package io.pv2hvm.testkit;

import io.pv2hvm.testkit.world.World;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator as a standalone server for any AWS client (CLI, SDKs):
 * {@code java -cp ... io.pv2hvm.testkit.Ec2EmulatorMain --port 4566 --seed world.json}.
 *
 * <p>Options: {@code --port N} (default 4566), {@code --bind ADDRESS} (default localhost),
 * {@code --seed FILE} (a JSON {@link World}; default the default world), {@code --time-scale X}
 * (default 1, real EC2 latencies), {@code --latencies FILE} (a {@link LatencyFile}, such as
 * {@code pv2hvm bench latencies} writes; default {@link LatencyModel#realistic()}), {@code --throttling}
 * (EC2's documented buckets). Runs until interrupted.
 */
public final class Ec2EmulatorMain {

    private Ec2EmulatorMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws InterruptedException {
        Ec2Emulator emulator;
        try {
            emulator = fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        if (emulator == null) {
            usage(System.out);
            return;
        }
        emulator.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.stop();
            stopped.countDown();
        }, "ec2-emulator-shutdown"));
        System.out.println("EC2/SSM emulator listening on " + emulator.endpoint() + " (region " + Ec2Emulator.REGION + ")");
        System.out.println("  aws ec2 describe-instances --endpoint-url " + emulator.endpoint() + " --region " + Ec2Emulator.REGION);
        stopped.await();
    }

    /** Builds (not starts) an emulator from command-line options; null when help was asked for. */
    public static Ec2Emulator fromArgs(String... args) {
        Ec2Emulator.Builder b = Ec2Emulator.builder().port(4566);
        LatencyModel latency = LatencyModel.realistic();
        double timeScale = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> b.port(Integer.parseInt(value(args, ++i, a)));
                case "--bind" -> b.bindAddress(value(args, ++i, a));
                case "--seed" -> b.world(World.fromJson(Path.of(value(args, ++i, a))));
                case "--time-scale" -> timeScale = Double.parseDouble(value(args, ++i, a));
                case "--latencies" -> latency = LatencyModel.fromFile(Path.of(value(args, ++i, a)));
                case "--throttling" -> b.throttling(ThrottlingPolicy.documented());
                case "--help", "-h" -> {
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return b.latency(latency.withTimeScale(timeScale)).build();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(PrintStream out) {
        out.println("usage: ec2-emulator [--port N] [--bind ADDRESS] [--seed world.json] [--time-scale X] [--latencies FILE] [--throttling]");
    }
}
