package io.pv2hvm.core.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One line of a migration's write-ahead journal.
 *
 * @param time        when it was written
 * @param migrationId the migration it belongs to
 * @param type        what happened
 * @param step        the step it concerns, or {@code null} for migration-level entries
 * @param data        details: the spec for {@code MIGRATION_STARTED}, the resource for
 *                    {@code RESOURCE_CREATED}, key and value for {@code FACT}, error text for failures
 */
public record JournalEntry(Instant time, String migrationId, Type type, String step, Map<String, String> data) {

    /**
     * The kinds of journal entries. {@code STEP_CLEANED_UP} records that a done step's
     * {@code Step.cleanup} hook ran (or failed, with a {@code WARNING}), so a resume skips it.
     */
    public enum Type {
        MIGRATION_STARTED, STEP_STARTED, STEP_DONE, STEP_FAILED, STEP_COMPENSATED, COMPENSATION_FAILED,
        RESOURCE_CREATED, RESOURCE_DELETED, FACT, WARNING, MIGRATION_SUCCEEDED, MIGRATION_FAILED, STEP_CLEANED_UP
    }

    /** Validates and copies. */
    public JournalEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(migrationId, "migrationId");
        Objects.requireNonNull(type, "type");
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
