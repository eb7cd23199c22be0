package io.pv2hvm.testkit.internal.model;

/** An instance's state, with EC2's name and code (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceState.html). */
public enum InstanceState {
    PENDING("pending", 0),
    RUNNING("running", 16),
    SHUTTING_DOWN("shutting-down", 32),
    TERMINATED("terminated", 48),
    STOPPING("stopping", 64),
    STOPPED("stopped", 80);

    private final String wire;
    private final int code;

    InstanceState(String wire, int code) {
        this.wire = wire;
        this.code = code;
    }

    /** The state's name on the wire, e.g. {@code pending}. */
    public String wire() {
        return wire;
    }

    /** EC2's numeric code of the state (instanceState.code). */
    public int code() {
        return code;
    }

    /** The state of a wire name. */
    public static InstanceState fromWire(String wire) {
        for (InstanceState s : values()) {
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
