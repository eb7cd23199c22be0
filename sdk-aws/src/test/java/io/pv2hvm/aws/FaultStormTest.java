package io.pv2hvm.aws;

import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.RetryPolicy;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.testkit.Faults;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.ThrottlingPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pv2hvm.aws.EmulatedAws.SOURCE_IP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault storms: full {@code preservingIps()} migrations while EC2 answers with server errors
 * (EC2's codes, HTML pages and truncated bodies without a code, a code never seen), connection resets, latency spikes, throttling and an eventual-consistency window. Each run must
 * complete, or fail and roll back completely; none may leak a resource. The tallies are written
 * to {@code target/reliability/fault-storms.txt} for RELIABILITY.md.
 */
@Execution(ExecutionMode.CONCURRENT)
class FaultStormTest extends EmulatorTestBase {
    private static final List<String> STORMED = List.of("DescribeInstances", "DescribeVolumes", "DescribeSnapshots",
            "DescribeImages", "CreateSnapshot", "CreateVolume", "AttachVolume", "DetachVolume", "RunInstances",
            "RegisterImage", "StopInstances", "TerminateInstances", "DescribeNetworkInterfaces", "AssociateAddress");
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final AtomicInteger COMPLETED = new AtomicInteger();
    private static final AtomicInteger ROLLED_BACK = new AtomicInteger();
    private static final AtomicInteger LEAKED = new AtomicInteger();
    private static final AtomicInteger FAULTS = new AtomicInteger();

    @ParameterizedTest(name = "storm seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void migrationUnderAFaultStorm_completesOrRollsBackCompletely_andNeverLeaks(long seed) {
        start(EmulatedAws.webServerWorld().build(), b -> b.seed(seed).consistencyWindow(Duration.ofMillis(200))
                .throttling(ThrottlingPolicy.documented()));
        for (String action : STORMED) {
            // Besides EC2's own 5xx codes: a proxy's HTML page and a truncated body, neither with an error code.
            switch ((int) (seed % 4)) {
                case 0 -> emulator.faults().errorRate(action, 0.08, "InternalError");
                case 1 -> emulator.faults().errorRate(action, 0.08, "ServiceUnavailable");
                case 2 -> emulator.faults().answerRate(action, 0.08, Faults.htmlPage(502));
                default -> emulator.faults().answerRate(action, 0.08, Faults.malformedXml(500));
            }
        }
        // And a server error with a code pv2hvm has never seen.
        emulator.faults().failNext("DescribeImages", 2, "Pv2hvm.NeverSeenServerError", "injected", 503);
        emulator.faults().connectionResetRate("DescribeInstanceStatus", 0.1);
        emulator.faults().delay("DescribeSnapshots", Duration.ofMillis(50 * seed));

        RUNS.incrementAndGet();
        String migrationId;
        String root = EndState.rootVolume(ec2, EmulatedAws.SOURCE);
        java.util.Set<String> kept = EndState.KEPT_AFTER_SUCCESS;
        try {
            MigrationResult r = migration(EmulatedAws.SOURCE, SimulatedGuest.typical(), new EmulatedAws.FakeWorker())
                    .preservingIps().withRetryPolicy(RetryPolicy.exponential(6, Duration.ofMillis(50), 2,
                            Duration.ofSeconds(1))).run();
            COMPLETED.incrementAndGet();
            migrationId = r.migrationId();
            assertThat(instance(r.newInstanceId()).privateIpAddress()).isEqualTo(SOURCE_IP);
        } catch (StepFailedException e) {
            ROLLED_BACK.incrementAndGet();
            migrationId = e.migrationId();
            assertThat(e.notRolledBack()).isEmpty();
            // Rolled back: a PV instance holds the source's IP again.
            List<Instance> holders = ec2.describeInstances(b -> b.filters(Filter.builder().name("private-ip-address")
                    .values(SOURCE_IP).build(), Filter.builder().name("instance-state-name").values("running").build()))
                    .reservations().stream().flatMap(res -> res.instances().stream()).toList();
            assertThat(holders).extracting(Instance::virtualizationTypeAsString).containsExactly("paravirtual");
            // Relaunched from the backup image once the source was terminated: every copy of its data stays.
            kept = holders.get(0).instanceId().equals(EmulatedAws.SOURCE) ? java.util.Set.of() : java.util.Set.of(
                    "restored-source", "backup-image", "final-snapshot", "hvm-image", "hvm-image-snapshot");
        }
        FAULTS.addAndGet((int) emulator.journal().all().stream()
                .filter(c -> c.status() >= 500 || "RequestLimitExceeded".equals(c.errorCode())).count());
        String id = migrationId;
        emulator.faults().clear();
        awaitConsistency();
        List<String> leftovers = EndState.leaked(ec2, id, kept, root);
        if (!leftovers.isEmpty()) {
            LEAKED.incrementAndGet();
        }
        assertThat(leftovers).as("resources left").isEmpty();
    }

    @AfterAll
    static void writeTally() throws IOException {
        Path out = Path.of("target", "reliability", "fault-storms.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "runs=" + RUNS + " faults-injected=" + FAULTS + " completed=" + COMPLETED
                + " rolled-back=" + ROLLED_BACK + " leaked=" + LEAKED + "\n");
    }

    private Instance instance(String id) {
        return ec2.describeInstances(b -> b.instanceIds(id)).reservations().get(0).instances().get(0);
    }
}
