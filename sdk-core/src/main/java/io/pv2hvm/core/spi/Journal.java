package io.pv2hvm.core.spi;

import java.util.List;

/**
 * The append-only record of migrations, written ahead of every action so a crashed run can be
 * resumed and its resources found. The default is a JSON-lines file per migration under
 * {@code ~/.pv2hvm/journal/}; implement this to keep journals elsewhere (a database, S3).
 */
public interface Journal {

    /** Appends an entry durably: when this returns, the entry survives a crash of this process. */
    void append(JournalEntry entry);

    /** Every entry of a migration in append order; empty if the journal has none. */
    List<JournalEntry> read(String migrationId);

    /** Where the journal lives, for messages. */
    String describe();
}
