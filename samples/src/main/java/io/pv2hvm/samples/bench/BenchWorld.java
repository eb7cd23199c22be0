package io.pv2hvm.samples.bench;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;

/**
 * The account both procedures start from: one PV web server (m1.large, an Elastic IP, a root
 * volume holding some data) and an idle Debian worker in its subnet, which the seeds' procedure
 * needs from the start (pv2hvm launches its own).
 */
final class BenchWorld {
    static final String SOURCE = "i-0be0c4a3c0ffee001";
    static final String SOURCE_IP = "10.0.1.10";
    static final String EIP = "eipalloc-0be0c4a3c0ffee001";
    static final String WORKER = "i-0be0c4a3c0ffee0a1";
    static final String PV_IMAGE = "ami-0be0c4a3c0ffee0b1";
    /** The public Ubuntu 24.04 AMI workers boot (it ships the SSM agent). */
    static final String UBUNTU_IMAGE = "ami-0be0c4a3c0ffee0d1";
    /** The workers' instance profile; its role has AmazonSSMManagedInstanceCore. */
    static final String WORKER_PROFILE = "pv2hvm-worker";
    static final String PV_GRUB_KERNEL = "aki-919dcaf8";

    private BenchWorld() {
    }

    /** The source's instance profile when DUAL_BOOT reaches it over SSM; its role has AmazonSSMManagedInstanceCore. */
    static final String SOURCE_PROFILE = "web-ssm";

    /** The world with a root volume of {@code sizeGiB} holding {@code usedGiB} of data. */
    static World of(int sizeGiB, double usedGiB) {
        return of(sizeGiB, usedGiB, false);
    }

    /**
     * The same world; with {@code sourceOnSsm} the source runs the SSM agent and has an instance
     * profile that lets it register (what DUAL_BOOT's {@code sourceOverSsm()} needs, as on EC2).
     */
    static World of(int sizeGiB, double usedGiB, boolean sourceOnSsm) {
        ImageSeed pv = ImageSeed.pv(PV_IMAGE, "centos6-pv").kernelId(PV_GRUB_KERNEL);
        InstanceSeed source = InstanceSeed.of(SOURCE, PV_IMAGE).instanceType("m1.large").privateIp(SOURCE_IP)
                .root(VolumeSeed.of("/dev/sda1", sizeGiB).usedGiB(usedGiB)).tag("Name", "web-1");
        World.Builder world = World.builder().defaultNetwork()
                .instanceProfile(WORKER_PROFILE, InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE);
        if (sourceOnSsm) {
            world = world.instanceProfile(SOURCE_PROFILE, InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE);
        }
        return world
                .image(sourceOnSsm ? pv.withSsmAgent() : pv)
                .image(ImageSeed.hvm(UBUNTU_IMAGE, "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251201")
                        .enaSupport(true).publicByAmazon().withSsmAgent())
                .publicParameter(AwsSteps.UBUNTU_24_04_PARAMETER, UBUNTU_IMAGE)
                .instance(sourceOnSsm ? source.instanceProfile(SOURCE_PROFILE) : source)
                .instance(InstanceSeed.of(WORKER, UBUNTU_IMAGE).instanceType("t3.small").tag("Name", "worker")
                        .instanceProfile(WORKER_PROFILE))
                .elasticIp(EIP, "198.51.100.10", SOURCE)
                .build();
    }
}
