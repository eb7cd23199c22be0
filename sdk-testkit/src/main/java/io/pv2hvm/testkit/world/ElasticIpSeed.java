package io.pv2hvm.testkit.world;

/**
 * An Elastic IP allocation, optionally associated with an instance's private IP.
 *
 * @param allocationId for example {@code eipalloc-0a1b2c3d4e5f60001}
 * @param publicIp     for example {@code 203.0.113.10}
 * @param instanceId   associated instance, or null
 * @param privateIp    the private IP it maps to (the instance's primary when null)
 */
public record ElasticIpSeed(String allocationId, String publicIp, String instanceId, String privateIp) {
}
