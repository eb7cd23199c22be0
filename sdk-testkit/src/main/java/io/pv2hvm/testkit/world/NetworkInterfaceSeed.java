package io.pv2hvm.testkit.world;

import java.util.ArrayList;
import java.util.List;

/** A secondary network interface attached to an instance (device index 1 and up). Fluent. */
public final class NetworkInterfaceSeed {

    private String id;
    private String subnetId;
    private String privateIp;
    private List<String> secondaryPrivateIps = new ArrayList<>();
    private List<String> groupIds = new ArrayList<>();
    private int deviceIndex = 1;
    private String description = "";
    private List<String> ipv6Addresses = new ArrayList<>();
    private boolean sourceDestCheck = true;

    /** An interface in {@code subnetId} with primary address {@code privateIp} (allocated when null). */
    public static NetworkInterfaceSeed in(String subnetId, String privateIp) {
        NetworkInterfaceSeed n = new NetworkInterfaceSeed();
        n.subnetId = subnetId;
        n.privateIp = privateIp;
        return n;
    }

    /** Sets the ENI id. */
    public NetworkInterfaceSeed id(String id) { this.id = id; return this; }
    /** Adds a secondary private IP. */
    public NetworkInterfaceSeed secondaryPrivateIp(String ip) { this.secondaryPrivateIps.add(ip); return this; }
    /** Adds a security group. */
    public NetworkInterfaceSeed group(String groupId) { this.groupIds.add(groupId); return this; }
    /** Sets the device index (1 and up). */
    public NetworkInterfaceSeed deviceIndex(int index) { this.deviceIndex = index; return this; }
    /** Sets the description. */
    public NetworkInterfaceSeed description(String d) { this.description = d; return this; }
    /** Adds an IPv6 address. */
    public NetworkInterfaceSeed ipv6Address(String address) { this.ipv6Addresses.add(address); return this; }
    /** Sets the source/destination check (default on). */
    public NetworkInterfaceSeed sourceDestCheck(boolean b) { this.sourceDestCheck = b; return this; }

    /** The id, or null. */
    public String id() { return id; }
    /** The subnet. */
    public String subnetId() { return subnetId; }
    /** The primary private IP, or null. */
    public String privateIp() { return privateIp; }
    /** Secondary private IPs. */
    public List<String> secondaryPrivateIps() { return List.copyOf(secondaryPrivateIps); }
    /** Security groups. */
    public List<String> groupIds() { return List.copyOf(groupIds); }
    /** Device index. */
    public int deviceIndex() { return deviceIndex; }
    /** Description. */
    public String description() { return description; }
    /** IPv6 addresses. */
    public List<String> ipv6Addresses() { return List.copyOf(ipv6Addresses); }
    /** Source/destination check. */
    public boolean sourceDestCheck() { return sourceDestCheck; }
}
