package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.internal.SpecAccess;
import io.pv2hvm.core.spi.FactKey;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.JournalEntry.Type;

import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

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
    /** By key identity: two keys of one name may have different codecs. */
    private final Map<FactKey<?>, Object> decoded = new IdentityHashMap<>();

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
        if (type == Type.FACT) {
            decoded.clear(); // a put may replace a cached value, under its name or an older one
        }
    }

    /** A typed fact, decoded once per run (a source description is parsed once, not at every read). */
    synchronized <T> Optional<T> find(FactKey<T> key) {
        if (decoded.containsKey(key)) {
            @SuppressWarnings("unchecked")
            T cached = (T) decoded.get(key);
            return Optional.of(cached);
        }
        Optional<T> value = key.lookUp(state::rawFact).map(raw -> decode(key, raw));
        value.ifPresent(v -> decoded.put(key, v));
        return value;
    }

    /** Whether the fact was journaled, under its name or an older one. */
    synchronized boolean has(FactKey<?> key) {
        return key.lookUp(state::rawFact).isPresent();
    }

    private static <T> T decode(FactKey<T> key, JournalReplay.RawFact raw) {
        return raw.json() != null ? key.codec().fromJson(raw.json()) : key.codec().fromLegacy(raw.legacy());
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
