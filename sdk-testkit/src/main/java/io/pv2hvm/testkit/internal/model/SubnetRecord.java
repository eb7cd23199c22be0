package io.pv2hvm.testkit.internal.model;

/** A subnet and its address range. */
public final class SubnetRecord {
    private final String id;
    private final String vpcId;
    private final String availabilityZone;
    private final String cidr;
    private final boolean mapPublicIpOnLaunch;
    private final long network;
    private final int prefix;

    public SubnetRecord(String id, String vpcId, String az, String cidr, boolean mapPublicIp) {
        this.id = id;
        this.vpcId = vpcId;
        this.availabilityZone = az;
        this.cidr = cidr;
        this.mapPublicIpOnLaunch = mapPublicIp;
        String[] parts = cidr.split("/");
        this.prefix = Integer.parseInt(parts[1]);
        this.network = Ipv4.parse(parts[0]) & mask();
    }

    public String id() {
        return id;
    }

    public String vpcId() {
        return vpcId;
    }

    public String availabilityZone() {
        return availabilityZone;
    }

    public String cidr() {
        return cidr;
    }

    public boolean mapPublicIpOnLaunch() {
        return mapPublicIpOnLaunch;
    }

    /** The first address of the range. */
    public long network() {
        return network;
    }

    private long mask() {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    public long size() {
        return 1L << (32 - prefix);
    }

    /** AWS reserves the first four and the last address of each subnet (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html). */
    public boolean isUsable(long ip) {
        return ip >= network + 4 && ip < network + size() - 1;
    }

    public boolean contains(long ip) {
        return (ip & mask()) == network;
    }
}
