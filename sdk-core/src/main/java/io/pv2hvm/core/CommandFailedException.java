package io.pv2hvm.core;

import io.pv2hvm.core.internal.UntrustedText;

/**
 * A command ran on a worker and exited non-zero. Carries the exit code and the tail of its
 * standard error, which worker scripts use to say what was wrong (control characters escaped:
 * it may quote the guest).
 */
public class CommandFailedException extends MigrationException {
    private final int exitCode;

    /** Creates the error for a command described by {@code what}. */
    public CommandFailedException(String what, int exitCode, String stderrTail) {
        super(what + " exited with status " + exitCode
                + (stderrTail == null || stderrTail.isBlank() ? "" : ": " + UntrustedText.block(stderrTail.strip())));
        this.exitCode = exitCode;
    }

    /** The command's exit status. */
    public int exitCode() {
        return exitCode;
    }
}
