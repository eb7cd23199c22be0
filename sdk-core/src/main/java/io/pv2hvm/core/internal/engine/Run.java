package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.internal.SpecAccess;
import io.pv2hvm.core.spi.FactCodec;
import io.pv2hvm.core.spi.FactKey;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.JournalEntry.Type;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
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
    /**
     * Decoded facts by name, each with the codec and older names it was read with: two keys of one
     * name may differ in those, and a family's keys (a new key per call, one shared codec) still hit.
     */
    private final Map<String, Decoded> decoded = new HashMap<>();

    private record Decoded(FactCodec<?> codec, List<String> legacyNames, Object value) {
        boolean readWith(FactKey<?> key) {
            return codec == key.codec() && legacyNames.equals(key.legacyNames());
        }
    }

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
        Decoded cached = decoded.get(key.name());
        if (cached != null && cached.readWith(key)) {
            @SuppressWarnings("unchecked")
            T value = (T) cached.value();
            return Optional.of(value);
        }
        Optional<T> value = key.lookUp(state::rawFact).map(raw -> decode(key, raw));
        value.ifPresent(v -> decoded.put(key.name(), new Decoded(key.codec(), key.legacyNames(), v)));
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
