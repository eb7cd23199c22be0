package io.pv2hvm.aws.internal.steps.preflight;

/** The optional checks of {@link PreflightStep}; the others always run. */
public enum PreflightCheck {
    /** DryRun probes of the mutating EC2 calls the migration will make (permissions). */
    DRY_RUN_PERMISSIONS,
    /**
     * A worker is reached over SSM unless the spec names a transport, so a launched worker needs
     * an instance profile or the account's Default Host Management Configuration. Off when the
     * provider was given an SSH transport.
     */
    WORKER_OVER_SSM
}
