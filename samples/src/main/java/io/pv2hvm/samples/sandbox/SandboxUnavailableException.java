package io.pv2hvm.samples.sandbox;

import io.pv2hvm.core.MigrationException;

/** The sandbox was asked for a real guest disk on a machine that cannot provide one. */
public final class SandboxUnavailableException extends MigrationException {
    /** Creates the error naming what is missing. */
    public SandboxUnavailableException(String message) {
        super(message);
    }
}
