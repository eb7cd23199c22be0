package io.pv2hvm.postgres;

import io.pv2hvm.core.journal.JournalContract;
import io.pv2hvm.core.spi.Journal;
import org.junit.jupiter.api.BeforeEach;

/** {@link PostgresJournal} keeps the same {@link JournalContract} as the file journal, on a real server. */
class PostgresJournalContractTest extends JournalContract {
    private PostgresDatabase db;

    @BeforeEach
    void freshSchema() {
        db = PostgresDatabase.fresh("contract");
    }

    @Override
    protected Journal journal() {
        return db.journal();
    }
}
