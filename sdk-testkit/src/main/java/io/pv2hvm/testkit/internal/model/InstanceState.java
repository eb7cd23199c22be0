package io.pv2hvm.testkit.internal.model;

/** An instance's state, with EC2's name and code (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceState.html). */
public enum InstanceState implements WireValue {
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

    @Override
    public String wire() {
        return wire;
    }

    /** EC2's numeric code of the state (instanceState.code). */
    public int code() {
        return code;
    }

    @Override
    public String toString() {
        return wire;
    }
}
