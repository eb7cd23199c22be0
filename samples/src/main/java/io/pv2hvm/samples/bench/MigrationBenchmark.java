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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Migrates the same PV instance on the emulator, under the same {@link BenchModel}, five ways: the
 * physical floor F ({@link FloorProcedure}), pv2hvm with IN_PLACE, pv2hvm with PARTITION_COPY,
 * pv2hvm with the opt-in DUAL_BOOT (the running source prepared before the stop; its source runs
 * the SSM agent), and the seeds' manual order ({@link SeedsProcedure}); then prints each downtime window against F and
 * against the seeds' window, the targets (issue #16), the total time and API calls, and each
 * window's critical path step by step. Times are EC2 time (real time divided by the time scale).
 */
public final class MigrationBenchmark {
    /** The IN_PLACE window may be at most this many times F. */
    public static final double IN_PLACE_TARGET = 1.15;
    /** The PARTITION_COPY window may be at most this many times F. */
    public static final double PARTITION_COPY_TARGET = 1.5;

    private final double timeScale;
    private final BenchModel model;
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

    /**
     * One scenario's floor and the procedures, run on the same model. {@code dualBoot} (opt-in
     * DUAL_BOOT, which changes the running source before the stop) is null where it was not run
     * (the sensitivity table's rows).
     */
    public record Comparison(Scenario scenario, Outcome floor, Outcome inPlace, Outcome partitionCopy, Outcome seeds,
                             Outcome dualBoot) {
        /** Without DUAL_BOOT. */
        public Comparison(Scenario scenario, Outcome floor, Outcome inPlace, Outcome partitionCopy, Outcome seeds) {
            this(scenario, floor, inPlace, partitionCopy, seeds, null);
        }

        /** The procedures, floor first. */
        public List<Outcome> all() {
            return dualBoot == null ? List.of(floor, inPlace, partitionCopy, seeds)
                    : List.of(floor, inPlace, partitionCopy, dualBoot, seeds);
        }

        /** {@code o}'s window divided by F. */
        public double overFloor(Outcome o) {
            return ratio(o.window(), floor.window());
        }

        /** {@code o}'s window divided by the seeds' window. */
        public double overSeeds(Outcome o) {
            return ratio(o.window(), seeds.window());
        }

        /** Whether IN_PLACE ≤ {@value #IN_PLACE_TARGET} × F and PARTITION_COPY ≤ {@value #PARTITION_COPY_TARGET} × F. */
        public boolean meetsTargets() {
            return overFloor(inPlace) <= IN_PLACE_TARGET && overFloor(partitionCopy) <= PARTITION_COPY_TARGET;
        }

        private static double ratio(Duration a, Duration b) {
            return a.toMillis() / (double) Math.max(1, b.toMillis());
        }
    }

    /** A benchmark on {@code latency} (EC2 time) under the fair rules ({@link BenchModel#fair}), run at {@code timeScale}. */
    public MigrationBenchmark(LatencyModel latency, double timeScale, PrintStream out) {
        this(BenchModel.fair(latency), timeScale, out);
    }

    /** A benchmark on {@code model} (EC2 time) run at {@code timeScale}, printing to {@code out}. */
    public MigrationBenchmark(BenchModel model, double timeScale, PrintStream out) {
        if (!(timeScale > 0) || timeScale > 1) {
            throw new IllegalArgumentException("the time scale must be in (0, 1]: " + timeScale);
        }
        this.model = new BenchModel(model.latency().withTimeScale(timeScale), model.writeMiBPerSecond(),
                model.restoredReadMiBPerSecond());
        this.timeScale = timeScale;
        this.out = out;
    }

    /** The model the procedures run on (at the benchmark's time scale). */
    public BenchModel model() {
        return model;
    }

    /** Runs the floor and the four procedures for each scenario, one after the other, and prints the tables. */
    public List<Comparison> run(List<Scenario> scenarios) {
        out.println();
        out.println("Fair terms (issue #16):");
        BenchModel.FAIRNESS_RULES.forEach(rule -> out.println("- " + rule));
        List<Comparison> all = new ArrayList<>();
        for (Scenario s : scenarios) {
            Comparison c = new Comparison(s, floor(s), pv2hvm(s, ConversionStrategy.IN_PLACE),
                    pv2hvm(s, ConversionStrategy.PARTITION_COPY), seeds(s), pv2hvm(s, ConversionStrategy.DUAL_BOOT));
            all.add(c);
            print(c);
        }
        return all;
    }

    /**
     * Runs the floor and the four procedures of {@code s} (DUAL_BOOT included) at the same time,
     * each on its own emulator, and prints nothing: cheaper for the sensitivity table, at the cost
     * of the five sharing the machine.
     */
    public Comparison compareConcurrently(Scenario s) {
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<Outcome> floor = pool.submit(() -> floor(s));
            Future<Outcome> inPlace = pool.submit(() -> pv2hvm(s, ConversionStrategy.IN_PLACE));
            Future<Outcome> copy = pool.submit(() -> pv2hvm(s, ConversionStrategy.PARTITION_COPY));
            Future<Outcome> seeds = pool.submit(() -> seeds(s));
            Future<Outcome> dualBoot = pool.submit(() -> pv2hvm(s, ConversionStrategy.DUAL_BOOT));
            return new Comparison(s, join(floor), join(inPlace), join(copy), join(seeds), join(dualBoot));
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome join(Future<Outcome> procedure) {
        try {
            return procedure.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a procedure ran", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    Outcome floor(Scenario s) {
        ModeledWorker worker = worker();
        try (Ec2Emulator emulator = emulator(s, worker); Ec2Client ec2 = EmulatorClients.ec2(emulator.endpoint())) {
            String root = rootVolume(ec2);
            List<Ec2Script.Timed> steps = new FloorProcedure(ec2, EmulatorTimeouts.forTimeScale(timeScale).poll(),
                    () -> emulator.recordWrite(root, s.changedMiB() << 20)).run();
            return scripted("floor F", steps, emulator);
        }
    }

    Outcome pv2hvm(Scenario s, ConversionStrategy strategy) {
        ModeledWorker worker = worker();
        boolean dualBoot = strategy == ConversionStrategy.DUAL_BOOT;
        try (Ec2Emulator emulator = emulator(s, worker, dualBoot); Ec2Client ec2 = EmulatorClients.ec2(emulator.endpoint());
             SsmClient ssm = EmulatorClients.ssm(emulator.endpoint())) {
            AwsSteps.Builder builder = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatorTimeouts.forTimeScale(timeScale))
                    .workerInstanceProfile(BenchWorld.WORKER_PROFILE)
                    .guestConversion(new ModeledConversion(s.sizeGiB(), bytes(s.usedGiB()), bytes(s.sizeGiB()),
                            s.changedMiB() << 20));
            AwsSteps aws = (dualBoot ? builder.sourceOverSsm() : builder).build();
            String root = rootVolume(ec2);
            MigrationResult r = Migration.of(BenchWorld.SOURCE).toHvm().preservingIps().withInstanceType("m5.large")
                    .withStrategy(strategy).withProvider(aws).withJournal(InMemoryJournal.create())
                    .withStepBefore(Phase.CUTOVER, new WorkloadWrites(emulator, root, s.changedMiB() << 20))
                    .run();
            List<Outcome.Step> path = r.timings().stream().filter(StepTiming::downtime)
                    .map(t -> new Outcome.Step(t.step(), ec2Time(t.took()))).toList();
            return outcome("pv2hvm " + strategy, ec2Time(r.downtime()), ec2Time(r.total()), emulator, path);
        }
    }

    Outcome seeds(Scenario s) {
        ModeledWorker worker = worker();
        try (Ec2Emulator emulator = emulator(s, worker); Ec2Client ec2 = EmulatorClients.ec2(emulator.endpoint())) {
            List<Ec2Script.Timed> steps = new SeedsProcedure(ec2, worker,
                    EmulatorTimeouts.forTimeScale(timeScale).poll(), bytes(s.usedGiB())).run();
            return scripted("seeds' manual order", steps, emulator);
        }
    }

    private Outcome scripted(String name, List<Ec2Script.Timed> steps, Ec2Emulator emulator) {
        List<Outcome.Step> path = steps.stream().map(t -> new Outcome.Step(t.name(), ec2Time(t.took()))).toList();
        Duration window = path.stream().map(Outcome.Step::took).reduce(Duration.ZERO, Duration::plus);
        return outcome(name, window, window, emulator, path);
    }

    private ModeledWorker worker() {
        return new ModeledWorker(model.restoredReadMiBPerSecond(), model.writeMiBPerSecond(), timeScale);
    }

    private Ec2Emulator emulator(Scenario s, ModeledWorker worker) {
        return emulator(s, worker, false);
    }

    private Ec2Emulator emulator(Scenario s, ModeledWorker worker, boolean sourceOnSsm) {
        Ec2Emulator emulator = Ec2Emulator.builder().world(BenchWorld.of(s.sizeGiB(), s.usedGiB(), sourceOnSsm))
                .latency(model.latency()).ssmExecutor(worker).build().start();
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

    private void print(Comparison c) {
        Scenario s = c.scenario();
        out.println();
        out.println("### " + s.label() + ", " + s.changedMiB() + " MiB written by the workload after the trial snapshot");
        out.println();
        out.println("| procedure | downtime window | window / F | target | window vs seeds | total | EC2 calls | SSM calls |");
        out.println("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
        for (Outcome o : c.all()) {
            out.printf(Locale.ROOT, "| %s | %s | %.2f | %s | %.2f | %s | %d | %d |%n", o.procedure(), human(o.window()),
                    c.overFloor(o), target(c, o), c.overSeeds(o), human(o.total()), o.ec2Calls(), o.ssmCalls());
        }
        out.println();
        out.printf(Locale.ROOT, "Targets at %d GiB: IN_PLACE window ≤ %.2f × F: %s (%.2f); PARTITION_COPY window ≤ %.2f × F: %s (%.2f).%n",
                s.sizeGiB(), IN_PLACE_TARGET, passFail(c.overFloor(c.inPlace()) <= IN_PLACE_TARGET), c.overFloor(c.inPlace()),
                PARTITION_COPY_TARGET, passFail(c.overFloor(c.partitionCopy()) <= PARTITION_COPY_TARGET),
                c.overFloor(c.partitionCopy()));
        if (c.dualBoot() != null) {
            out.printf(Locale.ROOT, "DUAL_BOOT (opt-in; it changes the running source before the stop, so nothing is"
                    + " converted in the window): window %.2f × F.%n", c.overFloor(c.dualBoot()));
        }
        out.println("Conversion bytes, from the conversion benchmark: " + ConversionCost.basis(s.sizeGiB()) + ".");
        out.println();
        for (Outcome o : c.all()) {
            out.println("- Most frequent calls, " + o.procedure() + ": " + o.callsByAction().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        for (Outcome o : c.all()) {
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

    private static String target(Comparison c, Outcome o) {
        if (o == c.inPlace()) {
            return String.format(Locale.ROOT, "≤ %.2f %s", IN_PLACE_TARGET, passFail(c.overFloor(o) <= IN_PLACE_TARGET));
        }
        if (o == c.partitionCopy()) {
            return String.format(Locale.ROOT, "≤ %.2f %s", PARTITION_COPY_TARGET,
                    passFail(c.overFloor(o) <= PARTITION_COPY_TARGET));
        }
        if (o == c.dualBoot()) {
            return "≈ 1 (opt-in)";
        }
        return "";
    }

    private static String passFail(boolean pass) {
        return pass ? "PASS" : "FAIL";
    }

    static String human(Duration d) {
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
