package io.pv2hvm.postgres;

import io.pv2hvm.core.JournalLockedException;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.spi.JournalEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Separate JVMs on one PostgreSQL journal, as processes on separate hosts: two racing for one
 * migration (exactly one runs it, the other is refused and writes nothing), and a holder killed
 * with SIGKILL in the middle of a step (its lease is left behind, blocks until it runs out, and a
 * resume from another process then completes the migration).
 */
class LeaseAcrossProcessesTest {
    private PostgresDatabase db;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void freshSchema() {
        db = PostgresDatabase.fresh("procs");
    }

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Child c : children) {
            c.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoProcessesRacingForOneMigration_exactlyOneRunsIt_theOtherIsRefusedAndWritesNothing() throws Exception {
        String id = "mig-race";
        Child a = spawn(id, Duration.ofMinutes(2), "run", "prepare");
        Child b = spawn(id, Duration.ofMinutes(2), "run", "prepare");
        a.await("ready");
        b.await("ready");
        a.send("go");
        b.send("go");

        // The winner stops inside its first step, holding the lease, so the loser meets it.
        String first = a.next() + "|" + b.next();
        assertThat(first).as("one runs, one is refused").matches("in-step prepare\\|refused \\d+"
                + "|refused \\d+\\|in-step prepare");
        Child winner = first.startsWith("in-step") ? a : b;
        Child loser = winner == a ? b : a;
        assertThat(loser.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(loser.process.exitValue()).isEqualTo(MigrationProcess.REFUSED);
        assertThat(first).contains("refused " + winner.process.pid());

        winner.send("finish");
        winner.await("succeeded");
        assertThat(winner.process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<JournalEntry> entries = db.journal().read(id);
        assertThat(entries.stream().filter(e -> e.type() == JournalEntry.Type.MIGRATION_STARTED)).hasSize(1);
        assertThat(entries.stream().filter(e -> e.type() == JournalEntry.Type.STEP_STARTED
                && "prepare".equals(e.step()))).as("the step ran once").hasSize(1);
        assertThat(entries).last().extracting(JournalEntry::type).isEqualTo(JournalEntry.Type.MIGRATION_SUCCEEDED);
    }

    @Test
    void aHolderKilledMidStep_blocksUntilItsLeaseRunsOut_thenAResumeFromAnotherProcessCompletesTheMigration()
            throws Exception {
        String id = "mig-killed";
        Child holder = spawn(id, Duration.ofSeconds(3), "run", "convert");
        holder.await("ready");
        holder.send("go");
        holder.await("in-step convert");
        int entriesBefore = db.journal().read(id).size();

        holder.process.destroyForcibly(); // SIGKILL: no release, no shutdown hook
        assertThat(holder.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(db.sql("SELECT holder_pid FROM pv2hvm_journal_lease WHERE migration_id = '" + id + "'"))
                .as("the dead holder's lease is left behind").isEqualTo(Long.toString(holder.process.pid()));

        // Until it runs out (the database's clock decides), a resume is refused; then it continues.
        PostgresJournal here = db.journal();
        MigrationResult result = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int refusals = 0;
        while (result == null) {
            try {
                result = Migration.resume(id, here).withProvider(MigrationProcess.steps("none")).run();
            } catch (JournalLockedException e) {
                assertThat(e.holderPid()).isEqualTo(holder.process.pid());
                assertThat(db.journal().read(id)).as("a refused resume changes nothing").hasSize(entriesBefore);
                assertThat(System.nanoTime()).as("the dead holder's lease runs out").isLessThan(deadline);
                refusals++;
                Thread.sleep(250);
            }
        }

        assertThat(result.migrationId()).isEqualTo(id);
        List<JournalEntry> entries = db.journal().read(id);
        assertThat(entries).last().extracting(JournalEntry::type).isEqualTo(JournalEntry.Type.MIGRATION_SUCCEEDED);
        assertThat(entries.stream().filter(e -> e.type() == JournalEntry.Type.STEP_STARTED && "prepare".equals(e.step())))
                .as("done before the kill, not run again").hasSize(1);
        assertThat(entries.stream().filter(e -> e.type() == JournalEntry.Type.STEP_STARTED && "convert".equals(e.step())))
                .as("interrupted by the kill, run again by the resume").hasSize(2);
        assertThat(db.sql("SELECT count(*) FROM pv2hvm_journal_lease")).as("the resume released its lease")
                .isEqualTo("0");
        System.out.println("resume refused " + refusals + " times before the dead holder's lease ran out");
    }

    @Test
    void aHolderKilledWithALongLease_keepsAResumeRefused_namingItAndItsExpiry() throws Exception {
        String id = "mig-killed-long";
        Child holder = spawn(id, Duration.ofHours(1), "run", "prepare");
        holder.await("ready");
        holder.send("go");
        holder.await("in-step prepare");
        holder.process.destroyForcibly();
        assertThat(holder.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<JournalEntry> before = db.journal().read(id);

        JournalLockedException e = catchThrowableOfType(JournalLockedException.class,
                () -> Migration.resume(id, db.journal()).withProvider(MigrationProcess.steps("none")).run());

        assertThat(e.holderPid()).isEqualTo(holder.process.pid());
        assertThat(e.leaseExpires()).isAfter(java.time.Instant.now().plus(Duration.ofMinutes(50)));
        assertThat(e.getMessage()).contains("if it died, resume after its lease ran out");
        assertThat(db.journal().read(id)).isEqualTo(before);
    }

    /** A child JVM running {@link MigrationProcess}. */
    private Child spawn(String migrationId, Duration lease, String mode, String blockAt) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", classpath, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                MigrationProcess.class.getName(), db.url, migrationId, Long.toString(lease.toMillis()), mode, blockAt)
                .redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", db.server.password());
        Child c = new Child(pb.start());
        children.add(c);
        return c;
    }

    private static final class Child {
        final Process process;
        final BufferedReader out;
        final Writer in;
        final StringBuilder seen = new StringBuilder();

        Child(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        /** The next protocol line (ready, in-step, refused, succeeded), skipping log lines. */
        String next() throws IOException {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                seen.append(line).append('\n');
                if (line.matches("ready|in-step \\w+|refused -?\\d+|succeeded")) {
                    return line;
                }
            }
            throw new AssertionError("the child exited; it printed:\n" + seen);
        }

        void await(String expected) throws IOException {
            String line = next();
            assertThat(line).as("child output:%n%s", seen).isEqualTo(expected);
        }

        void send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }
    }
}
