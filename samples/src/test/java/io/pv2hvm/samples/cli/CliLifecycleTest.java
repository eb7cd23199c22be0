package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.journal.FileJournal;
import io.pv2hvm.core.spi.JournalLock;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.samples.sandbox.EmulatorTimeouts;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CLI as a process among others: while one process holds a migration's journal, {@code pv2hvm
 * resume} of it is refused, names the holder and makes no AWS call; SIGTERM and SIGINT sent to a
 * running {@code pv2hvm migrate} roll it back and exit 143 and 130. The emulator runs in this JVM;
 * its worker holds one command until the signal is sent, so the signal arrives at a known step.
 */
@Execution(ExecutionMode.CONCURRENT)
class CliLifecycleTest {
    private static final String SCALE = System.getProperty("pv2hvm.emulator.timeScale", "0.002");
    private static final String MIGRATION = "mig-held";

    @TempDir
    Path journalDir;

    private HeldCommandEmulator aws;
    private Ec2Emulator emulator;
    private Ec2Client ec2;
    private SsmClient ssm;

    @BeforeEach
    void start() {
        aws = new HeldCommandEmulator(SCALE);
        emulator = aws.emulator;
        ec2 = aws.ec2;
        ssm = aws.ssm;
    }

    @AfterEach
    void stop() throws Exception {
        aws.close();
    }

    @Test
    void resume_whileAnotherProcessRunsTheMigration_isRefusedNamingIt_andCallsNothing() throws Exception {
        crashedMigration();
        Path file = FileJournal.in(journalDir).fileOf(MIGRATION);
        byte[] journalBefore = Files.readAllBytes(file);
        Process holder = holdJournalInAnotherJvm();
        int callsBefore = emulator.journal().all().size();

        Cli.Run run = Cli.run("resume", MIGRATION, "--simulate-guest", "--worker-profile", SandboxWorld.WORKER_PROFILE,
                "--journal-dir", journalDir.toString(), "--endpoint-url", emulator.endpoint().toString(),
                "--emulator-time-scale", SCALE);

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).as(run.toString()).contains("is being run by another process: pid " + holder.pid())
                .contains("Nothing was changed");
        assertThat(emulator.journal().all()).as("AWS calls of the refused resume").hasSize(callsBefore);
        assertThat(Files.readAllBytes(file)).isEqualTo(journalBefore);

        // Once the holder is gone (here: killed), the resume runs.
        holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Cli.Run resumed = Cli.run("resume", MIGRATION, "--simulate-guest", "--worker-profile",
                SandboxWorld.WORKER_PROFILE, "--journal-dir", journalDir.toString(), "--endpoint-url",
                emulator.endpoint().toString(), "--emulator-time-scale", SCALE);
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        RUNS.incrementAndGet();
        RESUME_REFUSED.incrementAndGet();
    }

    @Test
    void sigterm_duringTheTrialConversion_rollsBack_saysSo_andExits143() throws Exception {
        Process cli = migrateInAnotherJvm("mig-sigterm");
        awaitHeldCommand(cli);

        ProcessHandle.of(cli.pid()).orElseThrow().destroy(); // SIGTERM
        String err = finish(cli, 143);

        assertThat(err).contains("SIGTERM received: stopping at the next safe point")
                .contains("migration mig-sigterm was cancelled and rolled back");
        assertRolledBack("mig-sigterm");
        signalled(143);
    }

    @Test
    void sigint_insideTheDowntimeWindow_rollsBackAndRestartsTheSource_andExits130() throws Exception {
        aws.holdOnlyWhen(this::sourceStopped);
        Process cli = migrateInAnotherJvm("mig-sigint");
        awaitHeldCommand(cli);
        assertThat(instance(SandboxWorld.SOURCE).state().nameAsString()).isIn("stopping", "stopped");

        new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).inheritIO().start().waitFor();
        String err = finish(cli, 130);

        assertThat(err).contains("SIGINT received").contains("the source is stopped (downtime window)")
                .contains("migration mig-sigint was cancelled and rolled back");
        assertRolledBack("mig-sigint");
        signalled(130);
    }

    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger RESUME_REFUSED = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger HEALTH_UNCONFIRMED = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger LIVE_INSTANCES_LEFT = new java.util.concurrent.atomic.AtomicInteger();
    private static final List<Integer> EXIT_CODES = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A signalled run ended rolled back with {@code exitCode}: counted for RELIABILITY.md. */
    private static void signalled(int exitCode) {
        RUNS.incrementAndGet();
        EXIT_CODES.add(exitCode);
    }

    /** RELIABILITY.md's CLI row (ReliabilityTable in sdk-aws reads it); counts only runs whose assertions held. */
    @org.junit.jupiter.api.AfterAll
    static void writeTally() throws Exception {
        Path out = Path.of("target", "reliability", "cli-lifecycle.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "runs=" + RUNS + " resume-refused=" + RESUME_REFUSED + " health-command-unconfirmed=" + HEALTH_UNCONFIRMED + " signals=" + EXIT_CODES.size()
                + " exit-codes=" + String.join(",", EXIT_CODES.stream().map(String::valueOf).toList())
                + " signalled-rolled-back=" + EXIT_CODES.size() + " leaked=" + LIVE_INSTANCES_LEFT + "\n");
    }

    private void assertRolledBack(String migrationId) throws InterruptedException {
        List<io.pv2hvm.core.spi.JournalEntry> entries = FileJournal.in(journalDir).read(migrationId);
        assertThat(entries).extracting(io.pv2hvm.core.spi.JournalEntry::type)
                .contains(io.pv2hvm.core.spi.JournalEntry.Type.MIGRATION_FAILED)
                .doesNotContain(io.pv2hvm.core.spi.JournalEntry.Type.COMPENSATION_FAILED,
                        io.pv2hvm.core.spi.JournalEntry.Type.MIGRATION_SUCCEEDED);
        // Settled: the emulator is eventually consistent, so wait for the source to report running.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!"running".equals(instance(SandboxWorld.SOURCE).state().nameAsString())
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(instance(SandboxWorld.SOURCE).state().nameAsString()).isEqualTo("running");
        List<String> states = ec2.describeInstances(b -> b.filters(Filter.builder().name("tag:pv2hvm:migration-id")
                .values(migrationId).build())).reservations().stream().flatMap(r -> r.instances().stream())
                .map(i -> i.state().nameAsString()).toList();
        LIVE_INSTANCES_LEFT.addAndGet((int) states.stream().filter(s -> !s.equals("terminated") && !s.equals("shutting-down")).count());
        assertThat(states).allMatch(s -> s.equals("terminated") || s.equals("shutting-down"));
    }

    private boolean sourceStopped() {
        return emulator.journal().calls("StopInstances").stream().anyMatch(c -> !"true".equals(c.param("DryRun")));
    }

    private Instance instance(String id) {
        return ec2.describeInstances(b -> b.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    /** Starts {@code pv2hvm migrate} of the sandbox source in a new JVM against the emulator. */
    private Process migrateInAnotherJvm(String migrationId) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-cp", classpath, "-Daws.accessKeyId=AKIAEMULATOR",
                "-Daws.secretAccessKey=emulator-secret", Pv2hvm.class.getName(), "migrate", SandboxWorld.SOURCE,
                "--yes", "--simulate-guest", "--worker-profile", SandboxWorld.WORKER_PROFILE, "--migration-id",
                migrationId, "--journal-dir", journalDir.toString(), "--endpoint-url", emulator.endpoint().toString(),
                "--emulator-time-scale", SCALE));
        return aws.spawn(new ProcessBuilder(command).redirectOutput(journalDir.resolve(migrationId + ".out").toFile())
                .redirectError(journalDir.resolve(migrationId + ".err").toFile()));
    }

    private void awaitHeldCommand(Process cli) throws Exception {
        aws.awaitHeld(cli, () -> {
            try {
                return output(cli);
            } catch (Exception e) {
                return "(output unreadable: " + e + ")";
            }
        });
    }

    /** Lets the held command finish, waits for the CLI to exit with {@code exit}; returns its stderr. */
    private String finish(Process cli, int exit) throws Exception {
        Thread.sleep(500); // let the handler print before the command returns; the order is not asserted
        aws.release();
        assertThat(cli.waitFor(3, TimeUnit.MINUTES)).as("the CLI exits").isTrue();
        String output = output(cli);
        assertThat(cli.exitValue()).as(output).isEqualTo(exit);
        return output;
    }

    private String output(Process cli) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String stream : List.of(".out", ".err")) {
            for (Path p : Files.newDirectoryStream(journalDir, "*" + stream)) {
                sb.append(Files.readString(p));
            }
        }
        return sb.toString();
    }

    @Test
    void resume_showsTheJournaledHealthCommand_andWithoutYesOrATerminal_changesNothing() throws Exception {
        crashedMigration(s -> s.withHealthCommand("curl -fsS http://localhost/health\u001b[2J"));
        Path file = FileJournal.in(journalDir).fileOf(MIGRATION);
        byte[] journalBefore = Files.readAllBytes(file);
        int callsBefore = emulator.journal().all().size();

        Cli.Run refused = Cli.run("resume", MIGRATION, "--simulate-guest", "--worker-profile",
                SandboxWorld.WORKER_PROFILE, "--journal-dir", journalDir.toString(), "--endpoint-url",
                emulator.endpoint().toString(), "--emulator-time-scale", SCALE);

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(refused.err()).contains("names this health command")
                .contains("curl -fsS http://localhost/health?[2J").doesNotContain("\u001b")
                .contains("Not a terminal");
        assertThat(emulator.journal().all()).hasSize(callsBefore);
        assertThat(Files.readAllBytes(file)).isEqualTo(journalBefore);

        Cli.Run resumed = Cli.run("resume", MIGRATION, "--yes", "--simulate-guest", "--worker-profile",
                SandboxWorld.WORKER_PROFILE, "--journal-dir", journalDir.toString(), "--endpoint-url",
                emulator.endpoint().toString(), "--emulator-time-scale", SCALE);
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        RUNS.incrementAndGet();
        HEALTH_UNCONFIRMED.incrementAndGet();
    }

    /** A migration whose process died after PREPARE, journaled in {@code journalDir}. */
    private void crashedMigration() {
        crashedMigration(s -> s);
    }

    private void crashedMigration(java.util.function.UnaryOperator<io.pv2hvm.core.MigrationSpec> shape) {
        AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatorTimeouts.forTimeScale(
                Double.parseDouble(SCALE))).guestConversion(SimulatedGuest.typical())
                .workerInstanceProfile(SandboxWorld.WORKER_PROFILE).build();
        assertThatThrownBy(() -> shape.apply(Migration.of(SandboxWorld.SOURCE).toHvm().withMigrationId(MIGRATION)
                .withProvider(aws).withJournal(FileJournal.in(journalDir))).withStepAfter(Phase.CONVERT, dies()).run())
                .isInstanceOf(OutOfMemoryError.class);
    }

    /** Starts a JVM that locks the journal, as a running {@code pv2hvm resume} does, until killed. */
    private Process holdJournalInAnotherJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = aws.spawn(new ProcessBuilder(java, "-cp", classpath, JournalHolder.class.getName(), journalDir.toString(),
                MIGRATION).redirectErrorStream(true));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.append(line).append('\n');
            if (line.equals("locked")) {
                return p;
            }
        }
        throw new AssertionError("the holder JVM exited without taking the lock:\n" + seen);
    }

    /** The other process: holds the journal lock until its stdin closes or it is killed. */
    public static final class JournalHolder {
        public static void main(String[] args) throws Exception {
            try (JournalLock lock = FileJournal.in(Path.of(args[0])).lock(args[1])) {
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // hold
                }
            }
        }
    }

    private static Step dies() {
        return new Step() {
            @Override
            public String name() {
                return "process-dies";
            }

            @Override
            public void run(StepContext context) {
                throw new OutOfMemoryError("simulated death of the JVM");
            }
        };
    }
}
