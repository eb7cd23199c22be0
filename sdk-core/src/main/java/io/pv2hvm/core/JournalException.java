package io.pv2hvm.core;

/**
 * The migration journal cannot be written or read, or does not belong to the migration it was
 * asked for. A journal that cannot be written stops the migration: every created resource
 * must be on record before the next one is made.
 */
public class JournalException extends MigrationException {
    /** A journal problem with no underlying cause. */
    public JournalException(String message) {
        super(message);
    }

    /** A journal problem caused by {@code cause} (usually an I/O error). */
    public JournalException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
