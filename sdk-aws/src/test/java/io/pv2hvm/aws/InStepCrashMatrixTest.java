package io.pv2hvm.aws;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.journal.FileJournal;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash points inside steps: the JVM running a {@code preservingIps()} migration is SIGKILLed right
 * after a call that creates something has returned, before pv2hvm journaled what it made (an SDK
 * interceptor in the child), at every creating call of an uninterrupted run; a new JVM resumes. The
 * resumed run must adopt what the killed one made: each resource created exactly as often as in an
 * uninterrupted run, the same {@link EndState}, nothing leaked. Tallies go to
 * {@code target/reliability/in-step-crashes.txt}.
 */
@Execution(ExecutionMode.CONCURRENT)
class InStepCrashMatrixTest extends EmulatorTestBase {
    private static Baseline baseline;
    private static final AtomicInteger KILLED = new AtomicInteger();
    private static final AtomicInteger ADOPTED = new AtomicInteger();
    private static final AtomicInteger DUPLICATED = new AtomicInteger();
    private static final AtomicInteger LEAKED = new AtomicInteger();

    @TempDir
    Path journalDir;

    /** The creating calls of an uninterrupted run, in order ({@code CreateSnapshot#2}), how many each action made, its end state. */
    private record Baseline(List<String> points, Map<String, Long> creations, EndState endState) {
    }

    @BeforeEach
    void start() {
        start(EmulatedAws.webServerWorld().build());
    }

    static synchronized List<String> points() {
        if (baseline == null) {
            Ec2Emulator e = EmulatedAws.asStrictAsEc2(Ec2Emulator.builder().world(EmulatedAws.webServerWorld().build()))
                    .build().start();
            try (Ec2Client client = EmulatedAws.ec2(e); var ssmClient = EmulatedAws.ssm(e)) {
                AwsSteps aws = AwsSteps.builder().ec2(client).ssm(ssmClient).timeouts(EmulatedAws.timeouts())
                        .guestConversion(SimulatedGuest.typical()).build();
                MigrationResult r = Migration.of(SOURCE).toHvm().preservingIps().withProvider(aws)
                        .withTransport(new EmulatedAws.FakeWorker()).withJournal(InMemoryJournal.create()).run();
                List<RecordedCall> calls = e.journal().all();
                List<String> points = new ArrayList<>();
                Map<String, Integer> seen = new HashMap<>();
                calls.stream().filter(RecordedCall::succeeded).forEach(c -> {
                    int n = seen.merge(c.action(), 1, Integer::sum);
                    if (EndState.CREATING.contains(c.action())) {
                        points.add(c.action() + "#" + n);
                    }
                });
                Map<String, Long> creations = new HashMap<>();
                EndState.CREATING.forEach(a -> creations.put(a, EndState.creations(calls.stream()
                        .filter(c -> c.action().equals(a)).toList())));
                Thread.sleep(e.consistencyWindow().multipliedBy(2).toMillis());
                baseline = new Baseline(points, creations, EndState.of(client, r.migrationId(), SOURCE));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            } finally {
                e.stop();
            }
        }
        return baseline.points();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void sigkillAfterACreatingCallReturned_thenResume_adoptsWhatItMade(String point) throws Exception {
        String migrationId = "mig-instep-" + point.replace('#', '-').toLowerCase();
        String root = EndState.rootVolume(ec2, SOURCE);

        CrashingMigration.Child crashed = CrashingMigration.spawn(emulator.endpoint(), journalDir, migrationId, "run",
                "call:" + point);
        assertThat(crashed.exitCode()).as("killed by SIGKILL after %s returned; output:%n%s", point, crashed.output())
                .isEqualTo(137);
        KILLED.incrementAndGet();
        CrashingMigration.Child resumed = CrashingMigration.spawn(emulator.endpoint(), journalDir, migrationId, "resume",
                null);
        assertThat(resumed.exitCode()).as("resume output:%n%s", resumed.output()).isZero();

        assertThat(FileJournal.in(journalDir).read(migrationId)).last().extracting(JournalEntry::type)
                .isEqualTo(JournalEntry.Type.MIGRATION_SUCCEEDED);
        awaitConsistency();
        String action = point.substring(0, point.indexOf('#'));
        long created = EndState.creations(emulator.journal().calls(action));
        if (created != baseline.creations().get(action)) {
            DUPLICATED.incrementAndGet();
        }
        assertThat(created).as("resources %s created across both runs", action).isEqualTo(baseline.creations().get(action));
        List<String> leaked = EndState.leaked(ec2, migrationId, EndState.KEPT_AFTER_SUCCESS, root);
        if (!leaked.isEmpty()) {
            LEAKED.incrementAndGet();
        }
        assertThat(leaked).as("left over").isEmpty();
        assertThat(EndState.of(ec2, migrationId, SOURCE)).isEqualTo(baseline.endState());
        ADOPTED.incrementAndGet();
    }

    @AfterAll
    static void writeTally() throws IOException {
        Path out = Path.of("target", "reliability", "in-step-crashes.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "kill-points=" + (baseline == null ? 0 : baseline.points().size()) + " killed=" + KILLED
                + " resumed-to-the-same-end-state=" + ADOPTED + " duplicated=" + DUPLICATED + " leaked=" + LEAKED + "\n");
    }
}
