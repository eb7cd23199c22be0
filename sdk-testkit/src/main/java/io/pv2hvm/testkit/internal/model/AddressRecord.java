package io.pv2hvm.testkit.internal.model;

import java.time.Instant;

/** One Elastic IP allocation; guarded by the model lock. */
public final class AddressRecord {
    private final String allocationId;
    private final String publicIp;
    // The association: changed only through associate/disassociate, so its four fields
    // always describe one association or none.
    private String associationId;
    private String instanceId;
    private String networkInterfaceId;
    private String privateIp;
    private final Instant createdAt;

    public AddressRecord(String allocationId, String publicIp, Instant createdAt) {
        this.allocationId = allocationId;
        this.publicIp = publicIp;
        this.createdAt = createdAt;
    }

    public String allocationId() {
        return allocationId;
    }

    public String publicIp() {
        return publicIp;
    }

    public Instant createdAt() {
        return createdAt;
    }

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
