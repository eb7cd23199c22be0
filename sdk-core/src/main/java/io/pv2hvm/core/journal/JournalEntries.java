package io.pv2hvm.core.journal;

import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.internal.Json;
import io.pv2hvm.core.internal.ProcessLocks;
import io.pv2hvm.core.spi.JournalEntry;

import java.io.IOException;

/**
 * The one text form of a {@link JournalEntry}, for journals that store entries as text (a file
 * line, a database column): custom journals use it so that every journal reads every other's
 * entries the same way, without reaching into pv2hvm's internals.
 */
public final class JournalEntries {
    private JournalEntries() {
    }

    /** The entry as one line of JSON (no line break inside). */
    public static String toJson(JournalEntry entry) {
        return Json.write(entry);
    }

    /**
     * An entry read back from {@link #toJson}.
     *
     * @throws JournalException if {@code json} is not a journal entry
     */
    public static JournalEntry fromJson(String json) {
        try {
            return Json.mapper().readValue(json, JournalEntry.class);
        } catch (IOException e) {
            throw new JournalException("Not a pv2hvm journal entry: " + e.getMessage(), e);
        }
    }

    /** This machine's name as journals record it for a lock's holder. */
    public static String hostName() {
        return ProcessLocks.hostName();
    }
}
