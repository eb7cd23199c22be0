package io.pv2hvm.testkit.internal.model;

import java.time.Instant;

/** One Elastic IP allocation; guarded by the model lock. */
public final class AddressRecord {
    public String allocationId;
    public String publicIp;
    public String associationId;
    public String instanceId;
    public String networkInterfaceId;
    public String privateIp;
    public Instant createdAt;
}
