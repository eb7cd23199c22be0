package io.pv2hvm.testkit.world;

/**
 * A subnet; private IPs are allocated from its CIDR (first four and last addresses are
 * reserved, as in a real VPC).
 *
 * @param id                  subnet id
 * @param vpcId               its VPC
 * @param availabilityZone    for example {@code us-east-1a}
 * @param cidr                for example {@code 10.0.1.0/24}
 * @param mapPublicIpOnLaunch whether instances launched here get an auto-assigned public IPv4
 */
public record SubnetSeed(String id, String vpcId, String availabilityZone, String cidr, boolean mapPublicIpOnLaunch) {
}
