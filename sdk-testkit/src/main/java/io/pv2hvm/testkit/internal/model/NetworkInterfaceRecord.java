package io.pv2hvm.testkit.internal.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Mutable state of one ENI; guarded by the model lock. The first private IP is the primary. */
public final class NetworkInterfaceRecord {
    public String id;
    public String subnetId;
    public String vpcId;
    public String availabilityZone;
    public String description = "";
    public String macAddress;
    public NetworkInterfaceStatus status = NetworkInterfaceStatus.AVAILABLE;
    public List<String> privateIps = new ArrayList<>();
    public List<String> groupIds = new ArrayList<>();
    public List<String> ipv6Addresses = new ArrayList<>();
    public boolean sourceDestCheck = true;
    public Instant createdAt;
    public String attachmentId;
    public String instanceId;
    public Integer deviceIndex;
    /** The attachment's state; null while not attached. */
    public AttachmentState attachStatus;
    public Instant attachTime;
    public boolean deleteOnTermination;
    /** Auto-assigned public IPv4 of the instance, shown on its primary ENI. */
    public String publicIp;
}
