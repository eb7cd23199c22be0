package io.pv2hvm.samples.sandbox;

/** Whether the sandbox converts and boots a real guest disk or simulates the guest. */
public enum GuestMode {
    /** A real lab disk where root, loop devices and QEMU are available, else simulated. */
    AUTO,
    /** A real lab disk, converted on this machine and booted in QEMU; refused without the lab. */
    REAL,
    /** The guest exists only as inspection facts ({@link io.pv2hvm.testkit.SimulatedGuest}). */
    SIMULATED
}
