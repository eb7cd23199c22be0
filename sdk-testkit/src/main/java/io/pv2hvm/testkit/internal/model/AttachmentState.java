package io.pv2hvm.testkit.internal.model;

/**
 * The state of a volume's or a network interface's attachment, as EC2 names it
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VolumeAttachment.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterfaceAttachment.html).
 */
public enum AttachmentState implements WireValue {
    ATTACHING("attaching"),
    ATTACHED("attached"),
    // No DETACHED: a finished detachment leaves no attachment behind (the record's state goes null).
    DETACHING("detaching");

    private final String wire;

    AttachmentState(String wire) {
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
