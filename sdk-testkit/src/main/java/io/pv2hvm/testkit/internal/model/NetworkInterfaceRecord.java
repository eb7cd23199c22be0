package io.pv2hvm.testkit.internal.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Mutable state of one ENI; guarded by the model lock. The first private IP is the primary. */
public final class NetworkInterfaceRecord {
    /** Changed only by {@link Ec2Model#renameEni} (a seed naming its id). */
    private String id;
    private final String subnetId;
    private final String vpcId;
    private final String availabilityZone;
    private String description = "";
    private final String macAddress;
    public List<String> privateIps = new ArrayList<>();
    public List<String> groupIds = new ArrayList<>();
    public List<String> ipv6Addresses = new ArrayList<>();
    private boolean sourceDestCheck = true;
    /** Changed only by the world seeder (a seeded interface existed before the world started). */
    private Instant createdAt;
    // The attachment and the status it implies: changed only through the methods below, so
    // they always describe one attachment (in-use) or none (available).
    private NetworkInterfaceStatus status = NetworkInterfaceStatus.AVAILABLE;
    private String attachmentId;
    private String instanceId;
    private Integer deviceIndex;
    /** The attachment's state; null while not attached. */
    private AttachmentState attachStatus;
    private Instant attachTime;
    private boolean deleteOnTermination;
    /** Auto-assigned public IPv4 of the instance, shown on its primary ENI. */
    private String publicIp;

    public String description() {
        return description;
    }

    /** Set at creation or by ModifyNetworkInterfaceAttribute. */
    public void changeDescription(String description) {
        this.description = description;
    }

    public boolean sourceDestCheck() {
        return sourceDestCheck;
    }

    /** Set by a seed, ModifyNetworkInterfaceAttribute or ModifyInstanceAttribute (the primary interface's). */
    public void changeSourceDestCheck(boolean sourceDestCheck) {
        this.sourceDestCheck = sourceDestCheck;
    }

    public boolean deleteOnTermination() {
        return deleteOnTermination;
    }

    /** ModifyNetworkInterfaceAttribute changed the attachment's DeleteOnTermination, or a detach cleared it. */
    public void changeDeleteOnTermination(boolean deleteOnTermination) {
        this.deleteOnTermination = deleteOnTermination;
    }

    public String publicIp() {
        return publicIp;
    }

    /** The instance's auto-assigned public IPv4 is shown here (its primary interface), or, with null, no more. */
    public void showPublicIp(String publicIp) {
        this.publicIp = publicIp;
    }

    public NetworkInterfaceRecord(String id, String subnetId, String vpcId, String availabilityZone, String macAddress,
                                  Instant createdAt) {
        this.id = id;
        this.subnetId = subnetId;
        this.vpcId = vpcId;
        this.availabilityZone = availabilityZone;
        this.macAddress = macAddress;
        this.createdAt = createdAt;
    }

    /** Takes the id a world seed names; only through {@link Ec2Model#renameEni}, which re-keys it. */
    void rename(String id) {
        this.id = id;
    }

    /** A seeded interface has existed since {@code at}. */
    void existedSince(Instant at) {
        createdAt = at;
    }

    public String id() {
        return id;
    }

    public String subnetId() {
        return subnetId;
    }

    public String vpcId() {
        return vpcId;
    }

    public String availabilityZone() {
        return availabilityZone;
    }

    public String macAddress() {
        return macAddress;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public NetworkInterfaceStatus status() {
        return status;
    }

    /** The attachment's id; null while not attached. */
    public String attachmentId() {
        return attachmentId;
    }

    /** The instance the interface is attached to; null while not attached. */
    public String instanceId() {
        return instanceId;
    }

    /** The device index of the attachment; null while not attached. */
    public Integer deviceIndex() {
        return deviceIndex;
    }

    /** The attachment's state; null while not attached. */
    public AttachmentState attachStatus() {
        return attachStatus;
    }

    public Instant attachTime() {
        return attachTime;
    }

    /** Attaches the interface at once: in-use, attachment {@code attached}. */
    public void attach(String instanceId, int deviceIndex, String attachmentId, boolean deleteOnTermination, Instant at) {
        status = NetworkInterfaceStatus.IN_USE;
        this.instanceId = instanceId;
        this.deviceIndex = deviceIndex;
        this.attachmentId = attachmentId;
        attachStatus = AttachmentState.ATTACHED;
        attachTime = at;
        this.deleteOnTermination = deleteOnTermination;
    }

    /** The interface is going with its terminated instance: attachment {@code detaching} until it is released. */
    public void beginDetach() {
        attachStatus = AttachmentState.DETACHING;
    }

    /** Detached: available, no attachment; DeleteOnTermination is the caller's. */
    public void detach() {
        status = NetworkInterfaceStatus.AVAILABLE;
        instanceId = null;
        attachmentId = null;
        deviceIndex = null;
        attachStatus = null;
        attachTime = null;
    }
}
