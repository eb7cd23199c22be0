package io.pv2hvm.aws;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.RetryPolicy;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lost responses: for every mutating action of a {@code preservingIps()} migration, its first call
 * takes effect and the client sees HTTP 500, its second takes effect and the connection is reset.
 * The SDK does not retry (each failure reaches pv2hvm), so the figures measure pv2hvm: every run
 * must create each resource exactly as often as an uninterrupted run does, end in the same state
 * ({@link EndState}) and leak nothing. Then the same through a worker reached over SSM: for each
 * step command the worker runs, the SendCommand that carries it takes effect (the worker runs it)
 * and its answer is lost (alternately an HTTP 500 and a reset); the worker must run every step
 * command exactly once, as in an uninterrupted run. Tallies go to
 * {@code target/reliability/lost-responses.txt}.
 */
@Execution(ExecutionMode.CONCURRENT)
class LostResponseMatrixTest extends EmulatorTestBase {
    private static final RetryPolicy STEP_RETRIES = RetryPolicy.exponential(10, Duration.ofMillis(100), 2,
            Duration.ofSeconds(2));

    private static Baseline baseline;
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final AtomicInteger LOST = new AtomicInteger();
    private static final AtomicInteger SAME_END_STATE = new AtomicInteger();
    private static final AtomicInteger DUPLICATED = new AtomicInteger();
    private static final AtomicInteger LEAKED = new AtomicInteger();
    private static final AtomicInteger SSM_SENDS = new AtomicInteger();
    private static final AtomicInteger RUN_TWICE_OR_LOST = new AtomicInteger();
    private static SsmBaseline ssmBaseline;

    /** The mutating actions of an uninterrupted migration, how many resources each created, and its end state. */
    private record Baseline(Set<String> actions, Map<String, Long> creations, EndState endState) {
    }

    static List<String> actions() {
        return List.of("AssociateAddress", "AttachNetworkInterface", "AttachVolume", "AuthorizeSecurityGroupIngress",
                "CreateSecurityGroup", "CreateSnapshot", "CreateTags", "CreateVolume", "DeleteSecurityGroup", "DeleteSnapshot",
                "DeleteVolume", "DeregisterImage", "DetachNetworkInterface", "DetachVolume", "ModifyInstanceAttribute",
                "ModifyNetworkInterfaceAttribute", "RegisterImage", "RevokeSecurityGroupEgress", "RunInstances",
                "StopInstances", "TerminateInstances");
    }

    @BeforeAll
    static void uninterrupted() {
        Ec2Emulator e = EmulatedAws.asStrictAsEc2(Ec2Emulator.builder().world(EmulatedAws.webServerWorld().build()))
                .build().start();
        try (Ec2Client client = EmulatedAws.ec2WithoutSdkRetries(e); var ssmClient = EmulatedAws.ssm(e)) {
            String root = EndState.rootVolume(client, SOURCE);
            long t0 = System.nanoTime();
            MigrationResult r = run(client, ssmClient);
            System.out.printf("uninterrupted migration: %d ms, %d calls, %d throttled%n", (System.nanoTime() - t0) / 1_000_000,
                    e.journal().all().size(), e.journal().all().stream().filter(c -> "RequestLimitExceeded".equals(c.errorCode())).count());
            List<RecordedCall> calls = e.journal().all().stream().filter(c -> "ec2".equals(c.service()))
                    .filter(RecordedCall::mutating).toList();
            Set<String> actions = calls.stream().filter(RecordedCall::tookEffect).map(RecordedCall::action)
                    .collect(Collectors.toCollection(TreeSet::new));
            Map<String, Long> creations = new TreeMap<>();
            EndState.CREATING.forEach(a -> creations.put(a, EndState.creations(calls.stream().filter(c -> c.action().equals(a)).toList())));
            sleep(e.consistencyWindow().multipliedBy(2));
            assertThat(EndState.leaked(client, r.migrationId(), EndState.KEPT_AFTER_SUCCESS, root)).as("leaked by the baseline")
                    .isEmpty();
            baseline = new Baseline(actions, creations, EndState.of(client, r.migrationId(), SOURCE));
        } finally {
            e.stop();
        }
    }

    /**
     * An uninterrupted migration through a worker reached over SSM: the step commands the worker
     * ran (ids masked), the SendCommand calls (1-based) that carried them, creations and end state.
     */
    private record SsmBaseline(List<String> stepCommands, List<Integer> stepSends, Map<String, Long> creations,
                               EndState endState) {
    }

    /** The worker as SSM reaches it ({@link SpooledWorker}), recording every script it runs. */
    static final class CountingWorker implements io.pv2hvm.testkit.spi.SsmCommandExecutor {
        private static final java.util.regex.Pattern IDS = java.util.regex.Pattern.compile(
                "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\\b(vol|i|snap|ami|eni|sg)-[0-9a-f]{8,17}\\b");
        final List<String> scripts = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final SpooledWorker worker = new SpooledWorker();

        @Override
        public io.pv2hvm.testkit.spi.SsmCommandResult execute(io.pv2hvm.testkit.spi.SsmCommand command)
                throws IOException, InterruptedException {
            scripts.add(command.script());
            return worker.execute(command);
        }

        /** True for the script SsmTransport wraps a step's command in (not a read-back or clean-up). */
        static boolean stepCommand(String script) {
            return script.contains("timeout -k ");
        }

        /** The step commands it ran, in order, each as its shell line with ids masked. */
        List<String> stepCommands() {
            return scripts.stream().filter(CountingWorker::stepCommand).map(s -> {
                String line = s.substring(s.indexOf(" sh -c ") + 7, s.indexOf(" >/var/tmp/pv2hvm/"));
                return IDS.matcher(line).replaceAll("ID");
            }).toList();
        }
    }

    private static synchronized SsmBaseline ssmBaseline() {
        if (ssmBaseline != null) {
            return ssmBaseline;
        }
        CountingWorker worker = new CountingWorker();
        Ec2Emulator e = EmulatedAws.asStrictAsEc2(Ec2Emulator.builder().world(EmulatedAws.webServerWorld().build()))
                .ssmExecutor(worker).build().start();
        try (Ec2Client client = EmulatedAws.ec2WithoutSdkRetries(e); var ssmClient = EmulatedAws.ssm(e)) {
            String root = EndState.rootVolume(client, SOURCE);
            MigrationResult r = runOverSsm(client, ssmClient);
            List<RecordedCall> sends = e.journal().calls("SendCommand");
            assertThat(sends).as("SendCommands of the uninterrupted run").allSatisfy(c -> assertThat(c.succeeded()).isTrue());
            List<Integer> stepSends = new java.util.ArrayList<>();
            for (int i = 0; i < sends.size(); i++) {
                if (CountingWorker.stepCommand(sends.get(i).param("Parameters.commands.1"))) {
                    stepSends.add(i + 1);
                }
            }
            List<RecordedCall> calls = e.journal().all().stream().filter(c -> "ec2".equals(c.service())).toList();
            Map<String, Long> creations = new TreeMap<>();
            EndState.CREATING.forEach(a -> creations.put(a, EndState.creations(calls.stream().filter(c -> c.action().equals(a)).toList())));
            sleep(e.consistencyWindow().multipliedBy(2));
            assertThat(EndState.leaked(client, r.migrationId(), EndState.KEPT_AFTER_SUCCESS, root)).isEmpty();
            System.out.printf("uninterrupted migration over SSM: %d SendCommands, %d step commands%n", sends.size(),
                    stepSends.size());
            ssmBaseline = new SsmBaseline(worker.stepCommands(), List.copyOf(stepSends), creations,
                    EndState.of(client, r.migrationId(), SOURCE));
            return ssmBaseline;
        } finally {
            e.stop();
        }
    }

    /** 1..the number of step commands of an uninterrupted run over SSM. */
    static java.util.stream.IntStream stepCommandNumbers() {
        return java.util.stream.IntStream.rangeClosed(1, ssmBaseline().stepSends().size());
    }

    @ParameterizedTest(name = "step command {0}")
    @MethodSource("stepCommandNumbers")
    void sendCommandAnswerLost_theWorkerRunsEveryStepCommandOnce_andTheRunEndsAsAnUninterruptedOne(int step) {
        SsmBaseline base = ssmBaseline();
        CountingWorker worker = new CountingWorker();
        start(EmulatedAws.webServerWorld().build(), b -> b.ssmExecutor(worker));
        ec2.close();
        ec2 = EmulatedAws.ec2WithoutSdkRetries(emulator);
        String root = EndState.rootVolume(ec2, SOURCE);
        boolean byReset = step % 2 == 0;
        emulator.faults().loseResponseOfCall("SendCommand", base.stepSends().get(step - 1), byReset);
        RUNS.incrementAndGet();

        MigrationResult r = runOverSsm(ec2, ssm);

        awaitConsistency();
        List<RecordedCall> sends = emulator.journal().calls("SendCommand");
        long lost = sends.stream().filter(RecordedCall::responseLost).count();
        LOST.addAndGet((int) lost);
        SSM_SENDS.incrementAndGet();
        assertThat(lost).as("SendCommand answers lost").isOne();
        if (!worker.stepCommands().equals(base.stepCommands()) || new java.util.HashSet<>(worker.scripts).size() != worker.scripts.size()) {
            RUN_TWICE_OR_LOST.incrementAndGet();
        }
        assertThat(worker.scripts).as("every script (each carries its own spool id) ran once").doesNotHaveDuplicates();
        assertThat(worker.stepCommands()).as("the step commands the worker ran").isEqualTo(base.stepCommands());
        assertThat(emulator.journal().calls("ListCommands")).as("looked for the lost command").isNotEmpty();
        List<RecordedCall> calls = emulator.journal().all().stream().filter(c -> "ec2".equals(c.service())).toList();
        EndState.CREATING.forEach(a -> assertThat(EndState.creations(calls.stream().filter(c -> c.action().equals(a)).toList()))
                .as("resources %s created", a).isEqualTo(base.creations().get(a)));
        List<String> leaked = EndState.leaked(ec2, r.migrationId(), EndState.KEPT_AFTER_SUCCESS, root);
        if (!leaked.isEmpty()) {
            LEAKED.incrementAndGet();
        }
        assertThat(leaked).as("left over").isEmpty();
        assertThat(EndState.of(ec2, r.migrationId(), SOURCE)).isEqualTo(base.endState());
        SAME_END_STATE.incrementAndGet();
    }

    private static MigrationResult runOverSsm(Ec2Client client, software.amazon.awssdk.services.ssm.SsmClient ssmClient) {
        AwsSteps aws = AwsSteps.builder().ec2(client).ssm(ssmClient).timeouts(EmulatedAws.timeouts())
                .workerInstanceProfile(EmulatedAws.WORKER_PROFILE).guestConversion(SimulatedGuest.typical()).build();
        return Migration.of(SOURCE).toHvm().preservingIps().withProvider(aws).withJournal(InMemoryJournal.create())
                .withRetryPolicy(STEP_RETRIES).run();
    }

    @Test
    void theMatrix_coversEveryMutatingActionOfAnUninterruptedMigration() {
        assertThat(new TreeSet<>(actions())).isEqualTo(baseline.actions());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("actions")
    void responseLostAfterTheCallTookEffect_createsNothingTwice_andEndsAsAnUninterruptedRun(String action) {
        start(EmulatedAws.webServerWorld().build());
        ec2.close();
        ec2 = EmulatedAws.ec2WithoutSdkRetries(emulator);
        String root = EndState.rootVolume(ec2, SOURCE);
        emulator.faults().loseResponseNext(action, 1).loseResponseByResetNext(action, 1);
        RUNS.incrementAndGet();

        MigrationResult r = run(ec2, ssm);

        emulator.faults().clear();
        awaitConsistency();
        List<RecordedCall> calls = emulator.journal().calls(action);
        long lost = calls.stream().filter(RecordedCall::responseLost).count();
        LOST.addAndGet((int) lost);
        assertThat(lost).as("responses lost after %s took effect", action).isPositive();
        if (EndState.CREATING.contains(action)) {
            long created = EndState.creations(calls);
            if (created != baseline.creations().get(action)) {
                DUPLICATED.incrementAndGet();
            }
            assertThat(created).as("resources %s created", action).isEqualTo(baseline.creations().get(action));
        }
        List<String> leaked = EndState.leaked(ec2, r.migrationId(), EndState.KEPT_AFTER_SUCCESS, root);
        if (!leaked.isEmpty()) {
            LEAKED.incrementAndGet();
        }
        assertThat(leaked).as("left over").isEmpty();
        assertThat(EndState.of(ec2, r.migrationId(), SOURCE)).isEqualTo(baseline.endState());
        SAME_END_STATE.incrementAndGet();
    }

    @AfterAll
    static void writeTally() throws IOException {
        Path out = Path.of("target", "reliability", "lost-responses.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "actions=" + actions().size() + " ssm-commands=" + SSM_SENDS + " runs=" + RUNS
                + " responses-lost=" + LOST + " sdk-retries=0 same-end-state=" + SAME_END_STATE + " duplicated="
                + DUPLICATED + " commands-run-twice-or-lost=" + RUN_TWICE_OR_LOST + " leaked=" + LEAKED + "\n");
    }

    private static MigrationResult run(Ec2Client client, software.amazon.awssdk.services.ssm.SsmClient ssmClient) {
        AwsSteps aws = AwsSteps.builder().ec2(client).ssm(ssmClient).timeouts(EmulatedAws.timeouts())
                .guestConversion(SimulatedGuest.typical()).build();
        return Migration.of(SOURCE).toHvm().preservingIps().withProvider(aws).withTransport(new EmulatedAws.FakeWorker())
                .withJournal(InMemoryJournal.create()).withRetryPolicy(STEP_RETRIES).run();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }
}
