package io.pv2hvm.core;

/**
 * Bad input to the API: a malformed instance id, an unknown step name, a conflicting option.
 * Thrown before anything is changed; the message says what was wrong and how to fix it.
 */
public class InvalidSpecException extends MigrationException {
    /** Creates the error with a message that names the bad value and the fix. */
    public InvalidSpecException(String message) {
        super(message);
    }
}
