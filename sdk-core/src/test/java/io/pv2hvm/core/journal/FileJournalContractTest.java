package io.pv2hvm.core.journal;

import io.pv2hvm.core.spi.Journal;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link FileJournal} keeps the {@link JournalContract}. */
class FileJournalContractTest extends JournalContract {
    @TempDir
    Path dir;

    @Override
    protected Journal journal() {
        return FileJournal.in(dir.resolve("journal"));
    }
}
