package io.pv2hvm.testkit.world;

/**
 * A VPC in the emulator's starting world.
 *
 * @param id   for example {@code vpc-0d1e2f3a4b5c6d7e8}
 * @param cidr for example {@code 10.0.0.0/16}
 */
public record VpcSeed(String id, String cidr) {
}
