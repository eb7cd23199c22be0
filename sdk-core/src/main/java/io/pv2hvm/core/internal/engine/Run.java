package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.internal.SpecAccess;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.JournalEntry.Type;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One execution of a migration: its id, the state replayed so far, and the write-ahead rule
 * (an entry reaches the journal before the in-memory state changes).
 */
final class Run {
    private final String migrationId;
    private final SpecAccess spec;
    private final Journal journal;
    private final JournalReplay state;
    private final Listeners listeners;
    private final Cancellation cancellation;

    Run(String migrationId, SpecAccess spec, JournalReplay state, Cancellation cancellation) {
        this.migrationId = migrationId;
        this.spec = spec;
        this.journal = spec.journal();
        this.state = state;
        this.listeners = new Listeners(spec.listeners());
        this.cancellation = cancellation;
    }

    synchronized void record(Type type, String step, Map<String, String> data) {
        JournalEntry entry = new JournalEntry(now(), migrationId, type, step, data);
        journal.append(entry);
        state.apply(entry);
    }

    /** The run clock's present instant: journal entries, events and timings all read it. */
    Instant now() {
        return spec.clock().instant();
    }

    /** The time since {@code start} on the run's clock; never negative (a wall clock set back reads as zero). */
    Duration since(Instant start) {
        Duration d = Duration.between(start, now());
        return d.isNegative() ? Duration.ZERO : d;
    }

    String migrationId() {
        return migrationId;
    }

    SpecAccess spec() {
        return spec;
    }

    JournalReplay state() {
        return state;
    }

    Listeners listeners() {
        return listeners;
    }

    Cancellation cancellation() {
        return cancellation;
    }
}
