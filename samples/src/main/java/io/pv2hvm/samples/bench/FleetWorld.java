package io.pv2hvm.samples.bench;

import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;

import java.util.ArrayList;
import java.util.List;

/**
 * A fleet of PV instances for the emulator: the sandbox's web server (secondary IP, second
 * interface, Elastic IP, data volume) and {@code size - 1} plain PV servers (m1.large, PV-GRUB),
 * spread over the two subnets of the default network so workers and trial instances find free IPs.
 */
public final class FleetWorld {
    /** The most instances one world holds (two /24 subnets, with room for workers and trial instances). */
    public static final int MAX_SIZE = 300;

    private final World world;
    private final List<String> instanceIds;

    private FleetWorld(World world, List<String> instanceIds) {
        this.world = world;
        this.instanceIds = List.copyOf(instanceIds);
    }

    /** A world of {@code size} PV instances, 1 to {@value #MAX_SIZE}. */
    public static FleetWorld of(int size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("a fleet world holds 1 to " + MAX_SIZE + " instances: " + size);
        }
        World.Builder b = SandboxWorld.simulatedBuilder();
        List<String> ids = new ArrayList<>(List.of(SandboxWorld.SOURCE));
        for (int k = 1; k < size; k++) {
            String id = String.format("i-0f1ee70000000%04x", k);
            boolean a = k % 2 == 0;
            String ip = (a ? "10.0.1." : "10.0.2.") + (100 + k / 2 % 150);
            ids.add(id);
            b.instance(InstanceSeed.of(id, SandboxWorld.PV_IMAGE).instanceType("m1.large")
                    .subnet(a ? World.SUBNET_A : World.SUBNET_B).privateIp(ip).keyName("ops")
                    .tag("Name", "web-" + (k + 1)));
        }
        return new FleetWorld(b.build(), ids);
    }

    /** The world to seed the emulator with. */
    public World world() {
        return world;
    }

    /** The PV instances, the sandbox's web server first. */
    public List<String> instanceIds() {
        return instanceIds;
    }
}
