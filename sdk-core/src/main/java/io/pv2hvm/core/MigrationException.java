package io.pv2hvm.core;

/**
 * The root of every error pv2hvm throws. Unchecked, like the AWS SDK's own exceptions.
 *
 * <p>Each subtype says what went wrong and what to do about it; {@link #retryable()} tells
 * whether trying the same thing again may succeed (a throttled call, an IP not yet released)
 * or is pointless (a malformed id, a PV-only kernel).
 */
public class MigrationException extends RuntimeException {
    private final boolean retryable;

    /** An error that is not worth retrying. */
    public MigrationException(String message) {
        this(message, null, false);
    }

    /** An error caused by {@code cause}, retryable or not. */
    public MigrationException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether repeating the failed operation unchanged may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
