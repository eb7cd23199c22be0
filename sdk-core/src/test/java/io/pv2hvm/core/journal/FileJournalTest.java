package io.pv2hvm.core.journal;

import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.spi.JournalEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileJournalTest {
    private static final String ID = "mig-journal-test";

    @TempDir
    Path dir;

    private static JournalEntry fact(String key, String value) {
        return new JournalEntry(Instant.parse("2026-11-21T07:00:00Z"), ID, JournalEntry.Type.FACT, "prepare",
                Map.of("key", key, "value", value));
    }

    @Test
    void append_thenRead_returnsEntriesInOrder_oneJsonLineEach() throws Exception {
        FileJournal journal = FileJournal.in(dir);
        journal.append(fact("a", "1"));
        journal.append(fact("b", "2"));

        assertThat(journal.read(ID)).extracting(e -> e.data().get("key")).containsExactly("a", "b");
        List<String> lines = Files.readAllLines(journal.fileOf(ID));
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
        assertThat(journal.read(ID).get(0)).isEqualTo(fact("a", "1"));
    }

    @Test
    void read_whenTheLastLineIsTorn_ignoresIt_andTheNextAppendCutsItOff() throws Exception {
        FileJournal journal = FileJournal.in(dir);
        journal.append(fact("a", "1"));
        Files.writeString(journal.fileOf(ID), "{\"time\":\"2026-11-21T07:00:01Z\",\"migrat", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        assertThat(journal.read(ID)).extracting(e -> e.data().get("key")).containsExactly("a");

        journal.append(fact("b", "2"));
        assertThat(journal.read(ID)).extracting(e -> e.data().get("key")).containsExactly("a", "b");
        assertThat(Files.readAllLines(journal.fileOf(ID))).hasSize(2);
    }

    @Test
    void read_whenALineInTheMiddleIsDamaged_refusesToGuess() throws Exception {
        FileJournal journal = FileJournal.in(dir);
        journal.append(fact("a", "1"));
        Files.writeString(journal.fileOf(ID), "garbage\n", StandardOpenOption.APPEND);
        journal.append(fact("b", "2"));

        assertThatThrownBy(() -> journal.read(ID)).isInstanceOf(JournalException.class)
                .hasMessageContaining("Line 2").hasMessageContaining("damaged");
    }

    @Test
    void append_createsAPrivateDirectoryAndFile() throws Exception {
        FileJournal journal = FileJournal.in(dir.resolve("journal"));
        journal.append(fact("a", "1"));

        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("journal")))).isEqualTo("rwx------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(journal.fileOf(ID)))).isEqualTo("rw-------");
    }

    @Test
    void read_ofAMigrationWithoutJournal_isEmpty() {
        assertThat(FileJournal.in(dir).read("mig-unknown")).isEmpty();
    }

    @Test
    void fileOf_rejectsIdsThatCouldEscapeTheDirectory() {
        assertThatThrownBy(() -> FileJournal.in(dir).read("../../etc/passwd")).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> FileJournal.in(dir).read("MIG_1")).isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void append_whenTheDirectoryCannotBeCreated_throwsAJournalExceptionSayingWhatToDo() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
        FileJournal journal = FileJournal.in(blocker.resolve("journal"));

        assertThatThrownBy(() -> journal.append(fact("a", "1"))).isInstanceOf(JournalException.class)
                .hasMessageContaining("resume");
    }

    @Test
    void aJournalDirectoryOthersCanRead_isRefusedWithTheFix_andNothingIsReadOrWritten() throws Exception {
        FileJournal journal = FileJournal.in(dir.resolve("journal"));
        journal.append(fact("a", "1"));
        Path directory = dir.resolve("journal");
        java.nio.file.Files.setPosixFilePermissions(directory,
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        byte[] before = Files.readAllBytes(journal.fileOf(ID));

        for (Runnable use : List.<Runnable>of(() -> journal.read(ID), () -> journal.append(fact("b", "2")),
                () -> journal.lock(ID).close())) {
            assertThatThrownBy(use::run).isInstanceOf(JournalException.class)
                    .hasMessageContaining(directory + " is rwxr-xr-x").hasMessageContaining("read the user data")
                    .hasMessageContaining("chmod 700 " + directory);
        }
        assertThat(Files.readAllBytes(journal.fileOf(ID))).isEqualTo(before);
        assertThat(journal.lockFileOf(ID)).doesNotExist();
    }

    @Test
    void aJournalFileOthersCanWrite_isRefused_saysAResumeCouldBeChanged() throws Exception {
        FileJournal journal = FileJournal.in(dir);
        journal.append(fact("a", "1"));
        java.nio.file.Files.setPosixFilePermissions(journal.fileOf(ID),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));

        assertThatThrownBy(() -> journal.read(ID)).isInstanceOf(JournalException.class)
                .hasMessageContaining("rw-rw-rw-").hasMessageContaining("change what a resume will do")
                .hasMessageContaining("chmod 600 " + journal.fileOf(ID));

        java.nio.file.Files.setPosixFilePermissions(journal.fileOf(ID),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(journal.read(ID)).hasSize(1);
    }
}
