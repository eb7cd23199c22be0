package io.pv2hvm.core;

/**
 * The phases of a migration, in execution order. Providers contribute steps to phases; user
 * steps slot in before or after any phase.
 */
public enum Phase {
    /** Read-only checks; any blocker stops the run before the first mutating call. */
    PREFLIGHT(false),
    /** Snapshot the root, get a worker, create and attach scratch volumes. */
    PREPARE(false),
    /** Inspect the guest and make a bootable HVM copy on the worker. */
    CONVERT(false),
    /** Snapshot the converted volume and register the HVM image. */
    REGISTER(false),
    /** Boot a trial instance from the new image while the source still serves. */
    VERIFY(false),
    /**
     * Stop the source, capture and convert its final data, launch the HVM instance and wait until
     * its guest has booted: the downtime window. Only work that must follow the stop belongs here.
     */
    CUTOVER(true),
    /**
     * The new instance serves; confirm it (status checks, console) before calling the migration
     * done. Not downtime, but a failure here still rolls the cutover back.
     */
    CONFIRM(false),
    /** Delete temporaries, keep the backup and the new image. */
    CLEANUP(false);

    private final boolean downtime;

    Phase(boolean downtime) {
        this.downtime = downtime;
    }

    /** Whether steps of this phase run while the source instance is out of service. */
    public boolean downtime() {
        return downtime;
    }
}
