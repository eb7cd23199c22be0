package io.pv2hvm.testkit.internal.model;

/** A volume's state as EC2 names it (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Volume.html). */
public enum VolumeState implements WireValue {
    CREATING("creating"),
    AVAILABLE("available"),
    IN_USE("in-use"),
    DELETING("deleting"),
    DELETED("deleted");

    private final String wire;

    VolumeState(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    @Override
    public String toString() {
        return wire;
    }
}
