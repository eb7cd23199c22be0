package io.pv2hvm.testkit.internal.model;

/** A subnet and its address range. */
public final class SubnetRecord {
    public String id;
    public String vpcId;
    public String availabilityZone;
    public String cidr;
    public boolean mapPublicIpOnLaunch;
    public long network;
    public int prefix;

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
