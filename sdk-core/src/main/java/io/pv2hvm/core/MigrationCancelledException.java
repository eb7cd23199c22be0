package io.pv2hvm.core;

/**
 * Thrown inside a migration when its {@code runAsync()} future was cancelled; the engine
 * stops at the next safe point (between steps, or where a step checks) and compensates.
 */
public class MigrationCancelledException extends MigrationException {
    /** Creates the error for the given migration id. */
    public MigrationCancelledException(String migrationId) {
        super("Migration " + migrationId + " was cancelled");
    }
}
