package io.pv2hvm.testkit.internal.model;

/** A volume's state as EC2 names it (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Volume.html). */
public enum VolumeState {
    CREATING("creating"),
    AVAILABLE("available"),
    IN_USE("in-use"),
    DELETING("deleting"),
    DELETED("deleted");

    private final String wire;

    VolumeState(String wire) {
        this.wire = wire;
    }

    /** The state's name on the wire, e.g. {@code creating}. */
    public String wire() {
        return wire;
    }

    /** The state of a wire name. */
    public static VolumeState fromWire(String wire) {
        for (VolumeState s : values()) {
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
