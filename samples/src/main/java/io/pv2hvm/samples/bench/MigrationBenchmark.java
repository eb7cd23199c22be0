package io.pv2hvm.samples.bench;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.StepTiming;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.samples.sandbox.EmulatorClients;
import io.pv2hvm.samples.sandbox.EmulatorTimeouts;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.RecordedCall;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Migrates the same PV instance on the emulator, under the same latency model, three ways: pv2hvm
 * with IN_PLACE, pv2hvm with PARTITION_COPY, and the seeds' manual order ({@link SeedsProcedure});
 * then prints the downtime window, the total time and the API calls of each, and the window's
 * critical path step by step. Times are EC2 time (real time divided by the time scale).
 */
public final class MigrationBenchmark {
    /** gp3's baseline throughput, the EBS rate disk copies run at (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html). */
    static final double GP3_MIB_PER_SECOND = 125;

    private final double timeScale;
    private final LatencyModel latency;
    private final PrintStream out;

    /** A root volume of {@code sizeGiB} holding {@code usedGiB}; the workload writes {@code changedMiB} after the trial snapshot. */
    public record Scenario(int sizeGiB, double usedGiB, long changedMiB) {
        /** The scenario's name in the tables. */
        public String label() {
            return String.format(Locale.ROOT, "%d GiB root, %.1f GiB used", sizeGiB, usedGiB);
        }
    }

    /** One procedure's figures, in EC2 time. */
    public record Outcome(String procedure, Duration window, Duration total, long ec2Calls, long ssmCalls,
                          List<Step> criticalPath, Map<String, Long> callsByAction) {
        /** One step of the window and how long it took. */
        public record Step(String name, Duration took) {
        }
    }

    /** A benchmark on {@code latency} (EC2 time) run at {@code timeScale}, printing to {@code out}. */
    public MigrationBenchmark(LatencyModel latency, double timeScale, PrintStream out) {
        if (!(timeScale > 0) || timeScale > 1) {
            throw new IllegalArgumentException("the time scale must be in (0, 1]: " + timeScale);
        }
        this.latency = latency.withTimeScale(timeScale);
        this.timeScale = timeScale;
        this.out = out;
    }

    /** Runs the three procedures for each scenario and prints the tables. */
    public List<List<Outcome>> run(List<Scenario> scenarios) {
        List<List<Outcome>> all = new ArrayList<>();
        for (Scenario s : scenarios) {
            List<Outcome> outcomes = List.of(pv2hvm(s, ConversionStrategy.IN_PLACE),
                    pv2hvm(s, ConversionStrategy.PARTITION_COPY), seeds(s));
            all.add(outcomes);
            print(s, outcomes);
        }
        return all;
    }

    private Outcome pv2hvm(Scenario s, ConversionStrategy strategy) {
        ModeledWorker worker = new ModeledWorker(GP3_MIB_PER_SECOND, timeScale);
        try (Ec2Emulator emulator = emulator(s, worker); Ec2Client ec2 = EmulatorClients.ec2(emulator.endpoint());
             SsmClient ssm = EmulatorClients.ssm(emulator.endpoint())) {
            AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatorTimeouts.forTimeScale(timeScale))
                    .workerInstanceProfile(BenchWorld.WORKER_PROFILE)
                    .guestConversion(new ModeledConversion(bytes(s.usedGiB()), bytes(s.sizeGiB()), s.changedMiB() << 20)).build();
            String root = rootVolume(ec2);
            MigrationResult r = Migration.of(BenchWorld.SOURCE).toHvm().preservingIps().withInstanceType("m5.large")
                    .withStrategy(strategy).withProvider(aws).journal(InMemoryJournal.create())
                    .withStepBefore(Phase.CUTOVER, new WorkloadWrites(emulator, root, s.changedMiB() << 20))
                    .run();
            List<Outcome.Step> path = r.timings().stream().filter(StepTiming::downtime)
                    .map(t -> new Outcome.Step(t.step(), ec2Time(t.took()))).toList();
            return outcome("pv2hvm " + strategy, ec2Time(r.downtime()), ec2Time(r.total()), emulator, path);
        }
    }

    private Outcome seeds(Scenario s) {
        ModeledWorker worker = new ModeledWorker(GP3_MIB_PER_SECOND, timeScale);
        try (Ec2Emulator emulator = emulator(s, worker); Ec2Client ec2 = EmulatorClients.ec2(emulator.endpoint())) {
            List<SeedsProcedure.Timed> steps = new SeedsProcedure(ec2, worker,
                    EmulatorTimeouts.forTimeScale(timeScale).poll(), bytes(s.usedGiB())).run();
            List<Outcome.Step> path = steps.stream().map(t -> new Outcome.Step(t.name(), ec2Time(t.took()))).toList();
            Duration window = path.stream().map(Outcome.Step::took).reduce(Duration.ZERO, Duration::plus);
            return outcome("seeds' manual order", window, window, emulator, path);
        }
    }

    private Ec2Emulator emulator(Scenario s, ModeledWorker worker) {
        Ec2Emulator emulator = Ec2Emulator.builder().world(BenchWorld.of(s.sizeGiB(), s.usedGiB()))
                .latency(latency).ssmExecutor(worker).build().start();
        worker.attachTo(emulator);
        return emulator;
    }

    private static String rootVolume(Ec2Client ec2) {
        return ec2.describeInstances(r -> r.instanceIds(BenchWorld.SOURCE)).reservations().get(0).instances().get(0)
                .blockDeviceMappings().get(0).ebs().volumeId();
    }

    private Outcome outcome(String name, Duration window, Duration total, Ec2Emulator emulator, List<Outcome.Step> path) {
        List<RecordedCall> calls = emulator.journal().all();
        long ssm = calls.stream().filter(c -> c.service().equalsIgnoreCase("ssm")).count();
        Map<String, Long> byAction = calls.stream().collect(Collectors.groupingBy(RecordedCall::action,
                TreeMap::new, Collectors.counting()));
        return new Outcome(name, window, total, calls.size() - ssm, ssm, path, byAction);
    }

    private Duration ec2Time(Duration real) {
        return Duration.ofNanos((long) (real.toNanos() / timeScale));
    }

    private static long bytes(double gib) {
        return (long) (gib * (1L << 30));
    }

    private void print(Scenario s, List<Outcome> outcomes) {
        Outcome seeds = outcomes.get(outcomes.size() - 1);
        out.println();
        out.println("### " + s.label() + ", " + s.changedMiB() + " MiB written by the workload after the trial snapshot");
        out.println();
        out.println("| procedure | downtime window | total | window vs seeds | EC2 calls | SSM calls |");
        out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        for (Outcome o : outcomes) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %d | %d |%n", o.procedure(), human(o.window()),
                    human(o.total()), o.window().toMillis() / (double) seeds.window().toMillis(), o.ec2Calls(), o.ssmCalls());
        }
        out.println();
        for (Outcome o : outcomes) {
            out.println("- Most frequent calls, " + o.procedure() + ": " + o.callsByAction().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        for (Outcome o : outcomes) {
            out.println();
            out.println("Critical path of the window, " + o.procedure() + " (" + human(o.window()) + "):");
            out.println();
            out.println("| step | EC2 time | share |");
            out.println("| --- | ---: | ---: |");
            for (Outcome.Step step : o.criticalPath()) {
                out.printf(Locale.ROOT, "| %s | %s | %.0f%% |%n", step.name(), human(step.took()),
                        100.0 * step.took().toMillis() / Math.max(1, o.window().toMillis()));
            }
        }
    }

    private static String human(Duration d) {
        return String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
    }

    /** The source's workload writing to its root between the trial snapshot and the stop. */
    private record WorkloadWrites(Ec2Emulator emulator, String volumeId, long bytes) implements Step {
        @Override
        public String name() {
            return "workload-writes";
        }

        @Override
        public void run(StepContext context) {
            emulator.recordWrite(volumeId, bytes);
        }
    }
}
