package io.pv2hvm.testkit.internal.model;

/** A snapshot's state as EC2 names it (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Snapshot.html). */
public enum SnapshotState {
    PENDING("pending"),
    COMPLETED("completed");

    private final String wire;

    SnapshotState(String wire) {
        this.wire = wire;
    }

    /** The state's name on the wire, e.g. {@code pending}. */
    public String wire() {
        return wire;
    }

    /** The state of a wire name. */
    public static SnapshotState fromWire(String wire) {
        for (SnapshotState s : values()) {
            if (s.wire.equals(wire)) {
                return s;
            }
        }
        throw new IllegalStateException(wire);
    }

    /** The wire name, so messages and XML read as EC2's. */
    @Override
    public String toString() {
        return wire;
    }
}
