package io.pv2hvm.testkit;

import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.NetworkInterfaceSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;

/** The worlds the tests share: a PV source instance with everything a migration must carry over. */
final class Worlds {

    static final String PV_IMAGE = "ami-0c0ffee0c0ffee001";
    static final String PV_ROOT_SNAPSHOT = "snap-0c0ffee0c0ffee001";
    static final String MARKETPLACE_IMAGE = "ami-0c0ffee0c0ffee002";
    static final String SOURCE = "i-0123456789abcdef0";
    static final String SOURCE_IP = "10.0.1.10";
    static final String SOURCE_SECONDARY_IP = "10.0.1.11";
    static final String SOURCE_ENI2 = "eni-0aaaaaaaaaaaaaaa2";
    static final String SOURCE_ENI2_IP = "10.0.1.20";
    static final String DATA_VOLUME = "vol-0da7a0da7a0da7a01";
    static final String SOURCE_EIP = "eipalloc-0e1e1e1e1e1e1e1e1";
    static final String MARKETPLACE_INSTANCE = "i-0bbbbbbbbbbbbbbb1";
    static final String LOOSE_VOLUME_B = "vol-0b0b0b0b0b0b0b0b1";

    private Worlds() {
    }

    static World migration() {
        return World.builder().defaultNetwork()
                .keyPair("ops")
                // The source's owner installed the SSM agent and gave its role the core policy.
                .instanceProfile("app-role", InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE)
                .image(ImageSeed.pv(PV_IMAGE, "centos6-pv").rootSnapshotId(PV_ROOT_SNAPSHOT).instanceStore("/dev/sdb")
                        .withSsmAgent())
                .image(ImageSeed.pv(MARKETPLACE_IMAGE, "centos6-marketplace").marketplaceCode("aw0evgkw8e5c1q413zgy5pjce"))
                .instance(InstanceSeed.of(SOURCE, PV_IMAGE).instanceType("m1.large").privateIp(SOURCE_IP)
                        .secondaryPrivateIp(SOURCE_SECONDARY_IP).keyName("ops").instanceProfile("app-role")
                        .dataVolume(VolumeSeed.of("/dev/sdf", 100).id(DATA_VOLUME))
                        .instanceStore("/dev/sdb")
                        .secondaryEni(NetworkInterfaceSeed.in(World.SUBNET_A, SOURCE_ENI2_IP).id(SOURCE_ENI2))
                        .tag("Name", "web-1").tag("env", "prod"))
                .instance(InstanceSeed.of(MARKETPLACE_INSTANCE, MARKETPLACE_IMAGE).instanceType("m3.medium").tag("Name", "mp"))
                .elasticIp(SOURCE_EIP, "198.51.100.200", SOURCE)
                .volume(VolumeSeed.of(null, 10).id(LOOSE_VOLUME_B).availabilityZone("us-east-1b"))
                .build();
    }
}
