package io.pv2hvm.core;

/**
 * The guest operating system on the root volume cannot boot as HVM as it is (a PV-only
 * kernel, a filesystem the chosen strategy cannot handle, missing drivers with the fix
 * disabled). Found by inspection before anything is written; the message says what to
 * change in the guest.
 */
public class GuestIncompatibleException extends MigrationException {
    /** Creates the error; {@code message} names the problem and the fix. */
    public GuestIncompatibleException(String message) {
        super(message);
    }
}
