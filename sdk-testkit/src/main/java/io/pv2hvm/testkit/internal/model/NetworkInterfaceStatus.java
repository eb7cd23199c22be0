package io.pv2hvm.testkit.internal.model;

/** A network interface's status, as EC2 names it (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html). */
public enum NetworkInterfaceStatus implements WireValue {
    AVAILABLE("available"),
    IN_USE("in-use");

    private final String wire;

    NetworkInterfaceStatus(String wire) {
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
