package io.pv2hvm.testkit.internal.model;

/** An image's state as EC2 names it (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html). */
public enum ImageState implements WireValue {
    PENDING("pending"),
    AVAILABLE("available"),
    FAILED("failed"),
    DEREGISTERED("deregistered");

    private final String wire;

    ImageState(String wire) {
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
