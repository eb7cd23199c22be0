package io.pv2hvm.testkit.world;

/**
 * A security group.
 *
 * @param id    group id
 * @param name  group name
 * @param vpcId its VPC
 */
public record SecurityGroupSeed(String id, String name, String vpcId) {
}
