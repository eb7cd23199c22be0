package io.pv2hvm.samples.sandbox;

/** Whether the sandbox converts and boots a real guest disk or simulates the guest. */
public enum GuestMode {
    /** The lab's marker disk ({@link #MARKER}) where root, loop devices and QEMU are available, else simulated. */
    AUTO,
    /**
     * A full-userland guest (the lab's sysvinit Debian fixture with its data volumes), booted as PV
     * and serving its page before the migration, converted on this machine and booted in QEMU under
     * BIOS, where it must serve again; refused without the lab.
     */
    REAL,
    /** The guest exists only as inspection facts ({@link io.pv2hvm.testkit.SimulatedGuest}). */
    SIMULATED,
    /**
     * The lab's small marker disk (busybox init printing a marker line), converted on this machine
     * and booted in QEMU: a real disk in seconds, but no userland that serves; refused without the lab.
     */
    MARKER
}
