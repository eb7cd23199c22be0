package io.pv2hvm.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened in a running migration, as a {@link MigrationListener} receives it.
 * Every event names its migration and carries the time read from the run's clock
 * ({@link MigrationSpec#withClock}). Test for a kind with {@code instanceof}:
 *
 * <pre>{@code
 * spec.withListener(e -> {
 *     if (e instanceof MigrationEvent.StepProgress p) {
 *         System.out.printf("%s %.0f%% %s%n", p.step(), p.percent(), p.detail());
 *     }
 * });
 * }</pre>
 */
public sealed interface MigrationEvent {

    /** The migration this event belongs to. */
    String migrationId();

    /** When it happened, by the run's clock. */
    Instant time();

    /**
     * A run or resume begins, before its first step event; each is matched by one {@link MigrationFinished}.
     *
     * @param migrationId the migration
     * @param time        when, by the run's clock
     * @param resumed     whether this run continues a journaled migration
     */
    record MigrationStarted(String migrationId, Instant time, boolean resumed) implements MigrationEvent {
        /** Checks the fields. */
        public MigrationStarted {
            Objects.requireNonNull(migrationId, "migrationId");
            Objects.requireNonNull(time, "time");
        }
    }

    /**
     * The run or resume ended, after its last step event.
     *
     * @param migrationId the migration
     * @param time        when, by the run's clock
     * @param failure     empty when it succeeded, else what stopped it (rolled back as far as it says)
     */
    record MigrationFinished(String migrationId, Instant time, Optional<Throwable> failure) implements MigrationEvent {
        /** Checks the fields. */
        public MigrationFinished {
            Objects.requireNonNull(migrationId, "migrationId");
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(failure, "failure");
        }
    }

    /**
     * A step is about to run.
     *
     * @param migrationId the migration
     * @param time        when, by the run's clock
     * @param step        the step's name
     * @param phase       its phase
     */
    record StepStarted(String migrationId, Instant time, String step, Phase phase) implements MigrationEvent {
    }

    /**
     * A long step made progress.
     *
     * @param migrationId the migration
     * @param time        when, by the run's clock
     * @param step        the step's name
     * @param percent     0 to 100
     * @param detail      short text
     */
    record StepProgress(String migrationId, Instant time, String step, double percent, String detail)
            implements MigrationEvent {
    }

    /**
     * A step waits for something; the description replaces the step's earlier one.
     *
     * @param migrationId the migration
     * @param time        when, by the run's clock
     * @param step        the step's name
     * @param what        what it waits for, e.g. {@code "snapshot snap-0abc 63%"}
     */
    record StepWaiting(String migrationId, Instant time, String step, String what) implements MigrationEvent {
    }

    /**
     * A step finished successfully.
     *
     * @param migrationId the migration
     * @param time        when, by the run's clock
     * @param step        the step's name
     * @param took        how long it ran, by the run's clock
     */
    record StepFinished(String migrationId, Instant time, String step, Duration took) implements MigrationEvent {
    }

    /**
     * A step failed; compensation follows.
     *
     * @param migrationId the migration
     * @param time        when, by the run's clock
     * @param step        the step's name
     * @param cause       why
     */
    record StepFailed(String migrationId, Instant time, String step, Throwable cause) implements MigrationEvent {
    }

    /**
     * A step that ran was rolled back.
     *
     * @param migrationId the migration
     * @param time        when, by the run's clock
     * @param step        the step's name
     */
    record StepCompensated(String migrationId, Instant time, String step) implements MigrationEvent {
    }

    /**
     * A resource was created and journaled.
     *
     * @param migrationId the migration
     * @param time        when, by the run's clock
     * @param step        the step that created it
     * @param resource    what was created
     */
    record ResourceCreated(String migrationId, Instant time, String step, Resource resource) implements MigrationEvent {
    }

    /**
     * Something the user should know that does not stop the migration.
     *
     * @param migrationId the migration
     * @param time        when, by the run's clock
     * @param step        the step it concerns
     * @param message     what to know
     */
    record Warning(String migrationId, Instant time, String step, String message) implements MigrationEvent {
    }
}
