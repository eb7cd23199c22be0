package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.JournalEntry.Type;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of a migration rebuilt from its journal: options, steps started / done /
 * compensated, facts, resources, warnings, and how it ended if it did.
 */
public final class JournalReplay {
    /** How far a journaled migration got. */
    enum Status { NEW, IN_PROGRESS, ROLLING_BACK, FAILED, SUCCEEDED }

    private final Map<String, String> options = new LinkedHashMap<>();
    private final Set<String> started = new LinkedHashSet<>();
    private final Set<String> done = new LinkedHashSet<>();
    private final Set<String> compensated = new LinkedHashSet<>();
    private final Set<String> cleanedUp = new LinkedHashSet<>();
    private final Map<String, Duration> durations = new LinkedHashMap<>();
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final Map<String, RawFact> rawFacts = new LinkedHashMap<>();
    private final List<Resource> resources = new ArrayList<>();
    private final Set<String> deleted = new LinkedHashSet<>();
    private final List<String> warnings = new ArrayList<>();
    private Instant startedAt;
    private Status status = Status.NEW;
    private String failedStep;
    private String failure;

    private JournalReplay() {
    }

    /** An empty state for a new migration. */
    static JournalReplay fresh(String migrationId, Instant now) {
        JournalReplay r = new JournalReplay();
        r.startedAt = now;
        return r;
    }

    /**
     * Replays the entries of {@code migrationId}.
     *
     * @throws JournalException if there are none, or they belong to another migration
     */
    public static JournalReplay of(String migrationId, List<JournalEntry> entries, String where) {
        if (entries.isEmpty()) {
            throw new JournalException("No journal for migration '" + migrationId + "' in " + where
                    + ". Check the id (it is printed when a migration starts) and the journal location.");
        }
        JournalEntry first = entries.get(0);
        for (JournalEntry e : entries) {
            if (!e.migrationId().equals(migrationId)) {
                throw new JournalException("The journal read for migration '" + migrationId + "' from " + where
                        + " belongs to migration '" + e.migrationId() + "'. Resume with the id it belongs to.");
            }
        }
        if (first.type() != Type.MIGRATION_STARTED) {
            throw new JournalException("The journal of '" + migrationId + "' in " + where
                    + " does not begin with the migration's start; it is incomplete and cannot be resumed.");
        }
        JournalReplay r = new JournalReplay();
        entries.forEach(r::apply);
        return r;
    }

    /** Applies one entry, as the engine writes it or as read back. */
    void apply(JournalEntry e) {
        switch (e.type()) {
            case MIGRATION_STARTED -> {
                options.putAll(e.data());
                options.remove(JournalFormat.VERSION_OPTION); // a format marker, not a user option
                startedAt = e.time();
                status = Status.IN_PROGRESS;
            }
            case STEP_STARTED -> started.add(e.step());
            case STEP_DONE -> {
                done.add(e.step());
                durations.put(e.step(), Duration.ofMillis(Long.parseLong(e.data().getOrDefault("millis", "0"))));
            }
            case STEP_FAILED -> {
                status = Status.ROLLING_BACK;
                failedStep = e.step();
                failure = e.data().get("error");
            }
            case STEP_COMPENSATED -> compensated.add(e.step());
            case COMPENSATION_FAILED -> compensated.add(e.step());
            case STEP_CLEANED_UP -> cleanedUp.add(e.step());
            case RESOURCE_CREATED -> resources.add(new Resource(e.data().get("type"), e.data().get("id"),
                    e.data().get("role")));
            case RESOURCE_DELETED -> deleted.add(e.data().get("id"));
            case FACT -> {
                RawFact raw = new RawFact(e.data().get("json"), e.data().get("value"));
                rawFacts.put(e.data().get("key"), raw);
                facts.put(e.data().get("key"), raw.text());
            }
            case WARNING -> warnings.add(e.data().get("message"));
            case MIGRATION_SUCCEEDED -> status = Status.SUCCEEDED;
            case MIGRATION_FAILED -> status = Status.FAILED;
            default -> throw new IllegalStateException("unknown journal entry type " + e.type());
        }
    }

    /**
     * A fact as journaled: {@code json} (format 2, typed puts) and/or {@code legacy}, the plain
     * text every 0.1 entry and every untyped put has.
     */
    record RawFact(String json, String legacy) {
        /** The text untyped readers see: the legacy text, else (a journal without it) the JSON. */
        String text() {
            return legacy != null ? legacy : json != null ? json : "";
        }
    }

    /** The fact journaled under {@code name}, or null; {@link io.pv2hvm.core.spi.FactKey#lookUp} adds older names. */
    RawFact rawFact(String name) {
        return rawFacts.get(name);
    }

    /** The options the migration was started with (the journal format marker is not one). */
    public Map<String, String> options() {
        return Map.copyOf(options);
    }

    Status status() {
        return status;
    }

    boolean isDone(String step) {
        return done.contains(step) && !compensated.contains(step);
    }

    /** Whether the step's cleanup hook ran in this or an earlier run. */
    boolean isCleanedUp(String step) {
        return cleanedUp.contains(step);
    }

    /** Steps that ran (fully or partly) and are not compensated yet, most recent first. */
    List<String> toCompensate() {
        List<String> list = new ArrayList<>();
        for (String s : started) {
            if (!compensated.contains(s)) {
                list.add(0, s);
            }
        }
        return list;
    }

    Duration durationOf(String step) {
        return durations.getOrDefault(step, Duration.ZERO);
    }

    Map<String, String> facts() {
        return facts;
    }

    List<Resource> resources() {
        return resources;
    }

    /** Created resources not recorded as deleted. */
    List<Resource> remainingResources() {
        return resources.stream().filter(r -> !deleted.contains(r.id())).toList();
    }

    List<String> warnings() {
        return warnings;
    }

    Instant startedAt() {
        return startedAt;
    }

    String failedStep() {
        return failedStep;
    }

    String failure() {
        return failure;
    }
}
