/**
 * The pv2hvm testkit: {@link io.pv2hvm.testkit.Ec2Emulator}, a stateful emulator of the EC2
 * Query API and the SSM JSON API for the real AWS SDK clients, with its configuration
 * ({@link io.pv2hvm.testkit.LatencyModel}, {@link io.pv2hvm.testkit.ThrottlingPolicy},
 * {@link io.pv2hvm.testkit.Faults}, {@link io.pv2hvm.testkit.ManualClock}) and its
 * {@link io.pv2hvm.testkit.RequestJournal}. The starting state is a
 * {@link io.pv2hvm.testkit.world.World}; data-plane hooks are in {@link io.pv2hvm.testkit.spi}.
 */
package io.pv2hvm.testkit;
