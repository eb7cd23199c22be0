package io.pv2hvm.testkit.internal.model;

/** An image's state as EC2 names it (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html). */
public enum ImageState {
    PENDING("pending"),
    AVAILABLE("available"),
    FAILED("failed"),
    DEREGISTERED("deregistered");

    private final String wire;

    ImageState(String wire) {
        this.wire = wire;
    }

    /** The state's name on the wire, e.g. {@code pending}. */
    public String wire() {
        return wire;
    }

    /** The state of a wire name. */
    public static ImageState fromWire(String wire) {
        for (ImageState s : values()) {
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
