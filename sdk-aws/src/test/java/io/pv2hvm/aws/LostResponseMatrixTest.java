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
 * ({@link EndState}) and leak nothing. Tallies go to {@code target/reliability/lost-responses.txt}.
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

    /** The mutating actions of an uninterrupted migration, how many resources each created, and its end state. */
    private record Baseline(Set<String> actions, Map<String, Long> creations, EndState endState) {
    }

    static List<String> actions() {
        return List.of("AssociateAddress", "AttachNetworkInterface", "AttachVolume", "AuthorizeSecurityGroupIngress",
                "CreateSecurityGroup", "CreateSnapshot", "CreateVolume", "DeleteSecurityGroup", "DeleteSnapshot",
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
        Files.writeString(out, "actions=" + actions().size() + " runs=" + RUNS + " responses-lost=" + LOST
                + " sdk-retries=0 same-end-state=" + SAME_END_STATE + " duplicated=" + DUPLICATED
                + " leaked=" + LEAKED + "\n");
    }

    private static MigrationResult run(Ec2Client client, software.amazon.awssdk.services.ssm.SsmClient ssmClient) {
        AwsSteps aws = AwsSteps.builder().ec2(client).ssm(ssmClient).timeouts(EmulatedAws.timeouts())
                .guestConversion(SimulatedGuest.typical()).build();
        return Migration.of(SOURCE).toHvm().preservingIps().withProvider(aws).via(new EmulatedAws.FakeWorker())
                .journal(InMemoryJournal.create()).withRetryPolicy(STEP_RETRIES).run();
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
