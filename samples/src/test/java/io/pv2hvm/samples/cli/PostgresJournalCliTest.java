package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.postgres.PostgresJournal;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.junit5.LabExtension;
import io.pv2hvm.testkit.postgres.PrivatePostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --journal jdbc:postgresql://...} end to end against the emulator and a real PostgreSQL
 * server: a {@code pv2hvm migrate} in another JVM is SIGKILLed in the middle of a step (its worker
 * command held); while it lived, a {@code resume} from this process was refused and called nothing;
 * once its lease ran out, the resume completes the migration, and {@code sweep} reads the same journal.
 */
class PostgresJournalCliTest {
    private static final String SCALE = System.getProperty("pv2hvm.emulator.timeScale", "0.002");
    private static final String MIGRATION = "mig-pg-cli";

    @TempDir
    Path dir;

    private PrivatePostgres postgres;
    private String url;
    private HeldCommandEmulator aws;
    private Ec2Emulator emulator;

    @BeforeEach
    void start() {
        LabExtension.assumeAvailable("PostgreSQL test server", PrivatePostgres.missing());
        postgres = PrivatePostgres.shared();
        url = postgres.newSchema("cli_" + ProcessHandle.current().pid());
        aws = new HeldCommandEmulator(SCALE);
        emulator = aws.emulator;
    }

    @AfterEach
    void stop() throws Exception {
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    void migrateKilledMidStep_resumeIsRefusedWhileItLives_thenCompletesItFromAnotherProcess_andSweepReadsIt()
            throws Exception {
        Process cli = migrateInAnotherJvm();
        awaitHeldCommand(cli);
        PostgresJournal journal = PostgresJournal.connect(url, Map.of("PGPASSWORD", postgres.password()));
        int entriesWhileHeld = journal.read(MIGRATION).size();
        long callsBefore = callsOfThisJvm();

        Cli.Run refused = resume();
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(refused.err()).contains("is being run by another process: pid " + cli.pid())
                .contains("lease runs out at").doesNotContain(postgres.password());
        assertThat(callsOfThisJvm()).as("AWS calls of the refused resume").isEqualTo(callsBefore);
        assertThat(journal.read(MIGRATION)).hasSize(entriesWhileHeld);

        cli.destroyForcibly(); // SIGKILL in the middle of the step: the lease is not released
        assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
        aws.release();
        awaitLeaseExpiry();

        Cli.Run resumed = resume();
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        List<JournalEntry> entries = journal.read(MIGRATION);
        assertThat(entries).last().extracting(JournalEntry::type).isEqualTo(JournalEntry.Type.MIGRATION_SUCCEEDED);
        assertThat(entries.stream().filter(e -> e.type() == JournalEntry.Type.MIGRATION_STARTED)).hasSize(1);
        String newInstance = resumed.out().lines().filter(l -> l.contains("i-")).findFirst().orElse("");
        assertThat(newInstance).as(resumed.toString()).isNotEmpty();

        Cli.Run sweep = Cli.run("sweep", "--json", "--journal", url + "&password=" + postgres.password(),
                "--endpoint-url", emulator.endpoint().toString(), "--emulator-time-scale", SCALE);
        assertThat(sweep.exit()).as(sweep.toString()).isZero();
        JsonNode report = sweep.json();
        assertThat(report.get("deleted")).as("the resumed run cleaned up after itself").isEmpty();
        assertThat(report.get("unverified")).as("every temporary is named by the journal").isEmpty();
    }

    @Test
    void aJournalUrlWithAPassword_isNeverPrinted_andBadJournalOptionsAreUsageErrors() {
        String secret = "s3cret-in-url";
        Cli.Run run = Cli.run("resume", "mig-never-ran", "--journal", url + "&password=" + secret,
                "--endpoint-url", emulator.endpoint().toString(), "--emulator-time-scale", SCALE);
        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.out() + run.err()).contains("jdbc:postgresql://127.0.0.1:" + postgres.port())
                .doesNotContain(secret);

        Cli.Run both = Cli.run("resume", MIGRATION, "--journal", url, "--journal-dir", dir.toString());
        assertThat(both.exit()).as(both.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(both.err()).contains("not both");
        Cli.Run notJdbc = Cli.run("sweep", "--journal", "postgres://h/db", "--endpoint-url",
                emulator.endpoint().toString());
        assertThat(notJdbc.exit()).as(notJdbc.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(notJdbc.err()).contains("jdbc:postgresql://HOST");
        assertThat(emulator.journal().all()).as("AWS calls of refused commands").isEmpty();
    }

    /** Calls signed with this JVM's key; the spawned CLI signs with another, so its polling is told apart. */
    private long callsOfThisJvm() {
        return emulator.journal().all().stream().filter(c -> "AKIAEMULATOR".equals(c.accessKeyId())).count();
    }

    private Cli.Run resume() {
        return Cli.run("resume", MIGRATION, "--yes", "--simulate-guest", "--worker-profile",
                SandboxWorld.WORKER_PROFILE, "--journal", url + "&password=" + postgres.password(),
                "--journal-lease", "PT3S", "--endpoint-url", emulator.endpoint().toString(),
                "--emulator-time-scale", SCALE);
    }

    private void awaitLeaseExpiry() throws InterruptedException {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!postgres.admin("SELECT count(*) FROM " + schema + ".pv2hvm_journal_lease WHERE expires_at > now()",
                PrivatePostgres.DATABASE).strip().equals("0")) {
            assertThat(System.nanoTime()).as("the killed process's lease runs out").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** {@code pv2hvm migrate} of the sandbox source in a new JVM, journaled in PostgreSQL (password in PGPASSWORD). */
    private Process migrateInAnotherJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", classpath, "-Daws.accessKeyId=AKIAOTHERHOST",
                "-Daws.secretAccessKey=emulator-secret", Pv2hvm.class.getName(), "migrate", SandboxWorld.SOURCE,
                "--yes", "--simulate-guest", "--worker-profile", SandboxWorld.WORKER_PROFILE, "--migration-id",
                MIGRATION, "--journal", url, "--journal-lease", "PT3S", "--endpoint-url",
                emulator.endpoint().toString(), "--emulator-time-scale", SCALE)
                .redirectOutput(dir.resolve("migrate.out").toFile()).redirectError(dir.resolve("migrate.err").toFile());
        pb.environment().put("PGPASSWORD", postgres.password());
        return aws.spawn(pb);
    }

    private void awaitHeldCommand(Process cli) throws Exception {
        aws.awaitHeld(cli, () -> {
            try {
                return Files.readString(dir.resolve("migrate.out")) + Files.readString(dir.resolve("migrate.err"));
            } catch (java.io.IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
    }
}
