package io.pv2hvm.testkit.internal.model;

/** A snapshot's state as EC2 names it (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Snapshot.html). */
public enum SnapshotState implements WireValue {
    PENDING("pending"),
    COMPLETED("completed");

    private final String wire;

    SnapshotState(String wire) {
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
