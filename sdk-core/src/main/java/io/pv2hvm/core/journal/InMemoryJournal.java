package io.pv2hvm.core.journal;

import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A journal kept in memory: for tests and for callers that record migrations themselves.
 * It does not survive the process, so a crashed migration journaled here cannot be resumed.
 */
public final class InMemoryJournal implements Journal {
    private final Map<String, List<JournalEntry>> entries = new ConcurrentHashMap<>();

    /** An empty journal. */
    public static InMemoryJournal create() {
        return new InMemoryJournal();
    }

    @Override
    public void append(JournalEntry entry) {
        List<JournalEntry> list = entries.computeIfAbsent(MigrationIds.requireValid(entry.migrationId()),
                id -> new ArrayList<>());
        synchronized (list) {
            list.add(entry);
        }
    }

    @Override
    public List<JournalEntry> read(String migrationId) {
        List<JournalEntry> list = entries.get(migrationId);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    @Override
    public String describe() {
        return "in memory";
    }
}
