package io.pv2hvm.testkit.internal.model;

import java.time.Instant;

/** One Elastic IP allocation; guarded by the model lock. */
public final class AddressRecord {
    public String allocationId;
    public String publicIp;
    // The association: changed only through associate/disassociate, so its four fields
    // always describe one association or none.
    private String associationId;
    private String instanceId;
    private String networkInterfaceId;
    private String privateIp;
    public Instant createdAt;

    /** The association's id; null while the address is not associated. */
    public String associationId() {
        return associationId;
    }

    /** The instance of the associated interface, if it has one; null while not associated. */
    public String instanceId() {
        return instanceId;
    }

    public String networkInterfaceId() {
        return networkInterfaceId;
    }

    public String privateIp() {
        return privateIp;
    }

    public void associate(String associationId, String instanceId, String networkInterfaceId, String privateIp) {
        this.associationId = associationId;
        this.instanceId = instanceId;
        this.networkInterfaceId = networkInterfaceId;
        this.privateIp = privateIp;
    }

    public void disassociate() {
        associationId = null;
        instanceId = null;
        networkInterfaceId = null;
        privateIp = null;
    }
}
