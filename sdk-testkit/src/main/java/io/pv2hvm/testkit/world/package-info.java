/**
 * The emulator's starting state: {@link io.pv2hvm.testkit.world.World} and the seeds it is
 * built from (network, images, instances with volumes and interfaces, Elastic IPs), in Java or
 * as a JSON file keyed by the seed classes' field names.
 */
package io.pv2hvm.testkit.world;
