package io.pv2hvm.core;

import java.time.Duration;

/**
 * Receives the events of a running migration through {@link #onEvent}. Called on the
 * migration's thread: keep it quick, and do not throw (an exception from a listener is logged
 * and ignored).
 *
 * <p>The ten older callbacks ({@link #stepProgress} and the rest) still work: the default
 * {@code onEvent} hands each event to the matching one. They are deprecated and will go; a
 * listener that overrides {@code onEvent} receives every event there and no callback.
 */
public interface MigrationListener {

    /** One event of the migration; the default passes it to the matching older callback. */
    default void onEvent(MigrationEvent event) {
        String id = event.migrationId();
        if (event instanceof MigrationEvent.MigrationStarted) {
            migrationStarted(id);
        } else if (event instanceof MigrationEvent.MigrationFinished e) {
            migrationFinished(id, e.failure().orElse(null));
        } else if (event instanceof MigrationEvent.StepStarted e) {
            stepStarted(id, e.step(), e.phase());
        } else if (event instanceof MigrationEvent.StepProgress e) {
            stepProgress(id, e.step(), e.percent(), e.detail());
        } else if (event instanceof MigrationEvent.StepWaiting e) {
            stepWaiting(id, e.step(), e.what());
        } else if (event instanceof MigrationEvent.StepFinished e) {
            stepFinished(id, e.step(), e.took());
        } else if (event instanceof MigrationEvent.StepFailed e) {
            stepFailed(id, e.step(), e.cause());
        } else if (event instanceof MigrationEvent.StepCompensated e) {
            stepCompensated(id, e.step());
        } else if (event instanceof MigrationEvent.ResourceCreated e) {
            resourceCreated(id, e.step(), e.resource());
        } else if (event instanceof MigrationEvent.Warning e) {
            warning(id, e.step(), e.message());
        }
    }

    /**
     * A run or resume of the migration begins (before its first step event). Each call is matched
     * by one {@link #migrationFinished}.
     *
     * @deprecated override {@link #onEvent} and read {@link MigrationEvent.MigrationStarted}
     */
    @Deprecated
    default void migrationStarted(String migrationId) {
    }

    /**
     * The run or resume ended, after its last step event: {@code error} is null when the migration
     * succeeded, else what stopped it (it was rolled back as far as the exception says).
     *
     * @deprecated override {@link #onEvent} and read {@link MigrationEvent.MigrationFinished}
     */
    @Deprecated
    default void migrationFinished(String migrationId, Throwable error) {
    }

    /**
     * A step is about to run.
     *
     * @deprecated override {@link #onEvent} and read {@link MigrationEvent.StepStarted}
     */
    @Deprecated
    default void stepStarted(String migrationId, String step, Phase phase) {
    }

    /**
     * A long step made progress; {@code percent} is 0 to 100, {@code detail} is short text.
     *
     * @deprecated override {@link #onEvent} and read {@link MigrationEvent.StepProgress}
     */
    @Deprecated
    default void stepProgress(String migrationId, String step, double percent, String detail) {
    }

    /**
     * A step waits for something, described by {@code what} (replacing its earlier description).
     *
     * @deprecated override {@link #onEvent} and read {@link MigrationEvent.StepWaiting}
     */
    @Deprecated
    default void stepWaiting(String migrationId, String step, String what) {
    }

    /**
     * A step finished successfully.
     *
     * @deprecated override {@link #onEvent} and read {@link MigrationEvent.StepFinished}
     */
    @Deprecated
    default void stepFinished(String migrationId, String step, Duration took) {
    }

    /**
     * A step failed; compensation follows.
     *
     * @deprecated override {@link #onEvent} and read {@link MigrationEvent.StepFailed}
     */
    @Deprecated
    default void stepFailed(String migrationId, String step, Throwable cause) {
    }

    /**
     * A completed step was rolled back.
     *
     * @deprecated override {@link #onEvent} and read {@link MigrationEvent.StepCompensated}
     */
    @Deprecated
    default void stepCompensated(String migrationId, String step) {
    }

    /**
     * A resource was created (and journaled).
     *
     * @deprecated override {@link #onEvent} and read {@link MigrationEvent.ResourceCreated}
     */
    @Deprecated
    default void resourceCreated(String migrationId, String step, Resource resource) {
    }

    /**
     * Something the user should know that does not stop the migration.
     *
     * @deprecated override {@link #onEvent} and read {@link MigrationEvent.Warning}
     */
    @Deprecated
    default void warning(String migrationId, String step, String message) {
    }

    /** A listener that ignores everything. */
    static MigrationListener none() {
        return new MigrationListener() { };
    }
}
