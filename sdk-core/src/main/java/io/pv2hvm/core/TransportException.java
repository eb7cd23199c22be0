package io.pv2hvm.core;

/**
 * A command could not be delivered to, run on, or read back from a worker: connection refused
 * or dropped, authentication or host-key failure, timeout. Not thrown for a command that ran
 * and exited non-zero; that is a {@code CommandResult} with its exit code.
 */
public class TransportException extends MigrationException {
    /** A transport failure that will not go away by retrying (bad key, host-key mismatch). */
    public TransportException(String message) {
        super(message);
    }

    /** A transport failure, retryable when the connection may come back. */
    public TransportException(String message, Throwable cause, boolean retryable) {
        super(message, cause, retryable);
    }
}
