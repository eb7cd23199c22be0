package io.pv2hvm.core.engine;

import io.pv2hvm.core.JournalLockedException;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.journal.FileJournal;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.JournalLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A journal is locked while a process runs it. The holder here is a second JVM (as a second
 * {@code pv2hvm resume} would be); this JVM's run, resume or lock is refused, naming it, and
 * changes nothing. A holder killed with SIGKILL leaves no lock behind.
 */
class JournalLockTest {
    private static final String INSTANCE = "i-0123456789abcdef0";
    private static final String MIGRATION = "mig-lock-test";

    @TempDir
    Path dir;

    private Process holder;

    @AfterEach
    void stopHolder() throws Exception {
        if (holder != null && holder.isAlive()) {
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void resume_whileAnotherProcessHoldsTheJournal_isRefusedWithItsIdentity_andChangesNothing() throws Exception {
        crashedMigration();
        byte[] before = Files.readAllBytes(FileJournal.in(dir).fileOf(MIGRATION));
        Instant spawned = Instant.now();
        holder = holdInAnotherJvm();

        Recorder second = new Recorder();
        JournalLockedException e = catchThrowableOfType(JournalLockedException.class,
                () -> Migration.resume(MIGRATION, FileJournal.in(dir)).withProvider(second.onePerPhase()).run());

        assertThat(e.holderPid()).isEqualTo(holder.pid());
        assertThat(e.holderHost()).isEqualTo(InetAddress.getLocalHost().getHostName());
        assertThat(e.holderSince()).isAfterOrEqualTo(spawned.minusSeconds(1));
        assertThat(e.migrationId()).isEqualTo(MIGRATION);
        assertThat(e.getMessage()).contains("pid " + holder.pid()).contains("Nothing was changed");
        assertThat(second.runs()).isEmpty();
        assertThat(second.undos()).isEmpty();
        assertThat(Files.readAllBytes(FileJournal.in(dir).fileOf(MIGRATION))).isEqualTo(before);
        ATTEMPTS.incrementAndGet();
        REFUSED_UNCHANGED.incrementAndGet();
    }

    @Test
    void aHolderKilledWithSigkill_leavesNoLock_andTheResumeRuns() throws Exception {
        crashedMigration();
        holder = holdInAnotherJvm();
        assertThatThrownBy(() -> FileJournal.in(dir).lock(MIGRATION)).isInstanceOf(JournalLockedException.class);

        holder.destroyForcibly();
        assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Recorder second = new Recorder();
        MigrationResult result = Migration.resume(MIGRATION, FileJournal.in(dir)).withProvider(second.onePerPhase())
                .run();
        assertThat(result.migrationId()).isEqualTo(MIGRATION);
        assertThat(second.runs()).isNotEmpty();
        ATTEMPTS.incrementAndGet();
        HOLDERS_KILLED.incrementAndGet();
        RESUMED.incrementAndGet();
    }

    @Test
    void aNewRunWithTheIdOfAHeldJournal_isRefusedBeforeWritingIt() throws Exception {
        holder = holdInAnotherJvm();

        Recorder rec = new Recorder();
        assertThatThrownBy(() -> Migration.of(INSTANCE).toHvm().withMigrationId(MIGRATION)
                .withJournal(FileJournal.in(dir)).withProvider(rec.onePerPhase()).run())
                .isInstanceOf(JournalLockedException.class);

        assertThat(rec.runs()).isEmpty();
        assertThat(FileJournal.in(dir).fileOf(MIGRATION)).doesNotExist();
        ATTEMPTS.incrementAndGet();
        REFUSED_UNCHANGED.incrementAndGet();
    }

    private static final AtomicInteger ATTEMPTS = new AtomicInteger();
    private static final AtomicInteger REFUSED_UNCHANGED = new AtomicInteger();
    private static final AtomicInteger HOLDERS_KILLED = new AtomicInteger();
    private static final AtomicInteger RESUMED = new AtomicInteger();

    /** RELIABILITY.md's double-resume row (ReliabilityTable in sdk-aws reads it); counts only runs whose assertions held. */
    @AfterAll
    static void writeTally() throws Exception {
        Path out = Path.of("target", "reliability", "journal-lock.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "attempts=" + ATTEMPTS + " refused-unchanged=" + REFUSED_UNCHANGED + " holders-killed="
                + HOLDERS_KILLED + " resumed-after-holder-died=" + RESUMED + "\n");
    }

    @Test
    void withinOneProcess_aSecondHolderIsRefused_untilTheFirstCloses() {
        for (var journal : List.of(FileJournal.in(dir), InMemoryJournal.create())) {
            JournalLock first = journal.lock(MIGRATION);
            JournalLockedException e = catchThrowableOfType(JournalLockedException.class,
                    () -> journal.lock(MIGRATION));
            assertThat(e.holderPid()).as(journal.describe()).isEqualTo(ProcessHandle.current().pid());
            try (JournalLock other = journal.lock("mig-another-one")) {
                assertThat(other).isNotNull(); // another migration of the same journal is independent
            }
            first.close();
            journal.lock(MIGRATION).close();
        }
    }

    /** A run that died in CONVERT, as a killed process leaves its journal. */
    private void crashedMigration() {
        Recorder first = new Recorder().when("convert", c -> {
            throw new Recorder.SimulatedCrash();
        });
        assertThatThrownBy(() -> Migration.of(INSTANCE).toHvm().withMigrationId(MIGRATION)
                .withJournal(FileJournal.in(dir)).withProvider(first.onePerPhase()).run())
                .isInstanceOf(Recorder.SimulatedCrash.class);
    }

    /** Starts a JVM that takes the lock and holds it until its stdin closes or it is killed. */
    private Process holdInAnotherJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(java, "-cp", classpath, Holder.class.getName(), dir.toString(), MIGRATION)
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.equals("locked")) {
                return p;
            }
        }
        throw new AssertionError("the holder JVM exited without taking the lock:\n" + seen);
    }

    /** The second process: locks the journal, says so, and holds it until stdin closes. */
    public static final class Holder {
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
}
