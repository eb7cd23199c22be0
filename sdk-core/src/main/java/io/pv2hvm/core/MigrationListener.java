package io.pv2hvm.core;

import java.time.Duration;

/**
 * Receives progress events of a running migration. Every method has an empty default, so a
 * listener overrides only what it draws or logs. Called on the migration's thread: keep it
 * quick, and do not throw (an exception from a listener is logged and ignored).
 */
public interface MigrationListener {

    /**
     * A run or resume of the migration begins (before its first step event). Each call is matched
     * by one {@link #migrationFinished}.
     */
    default void migrationStarted(String migrationId) {
    }

    /**
     * The run or resume ended, after its last step event: {@code error} is null when the migration
     * succeeded, else what stopped it (it was rolled back as far as the exception says).
     */
    default void migrationFinished(String migrationId, Throwable error) {
    }

    /** A step is about to run. */
    default void stepStarted(String migrationId, String step, Phase phase) {
    }

    /** A long step made progress; {@code percent} is 0 to 100, {@code detail} is short text. */
    default void stepProgress(String migrationId, String step, double percent, String detail) {
    }

    /** A step waits for something, described by {@code what} (replacing its earlier description). */
    default void stepWaiting(String migrationId, String step, String what) {
    }

    /** A step finished successfully. */
    default void stepFinished(String migrationId, String step, Duration took) {
    }

    /** A step failed; compensation follows. */
    default void stepFailed(String migrationId, String step, Throwable cause) {
    }

    /** A completed step was rolled back. */
    default void stepCompensated(String migrationId, String step) {
    }

    /** A resource was created (and journaled). */
    default void resourceCreated(String migrationId, String step, Resource resource) {
    }

    /** Something the user should know that does not stop the migration. */
    default void warning(String migrationId, String step, String message) {
    }

    /** A listener that ignores everything. */
    static MigrationListener none() {
        return new MigrationListener() { };
    }
}
