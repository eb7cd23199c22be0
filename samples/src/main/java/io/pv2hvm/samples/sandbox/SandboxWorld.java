package io.pv2hvm.samples.sandbox;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.NetworkInterfaceSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;

import java.nio.file.Path;

/**
 * The account the sandbox emulates: one PV web server (m1.large, PV-GRUB) with a secondary
 * private IP, a second network interface, an Elastic IP and a data volume, plus the public
 * Debian 12 image a worker is launched from.
 */
public final class SandboxWorld {
    /** The PV web server. */
    public static final String SOURCE = "i-0123456789abcdef0";
    /** Its primary private IP. */
    public static final String SOURCE_IP = "10.0.1.10";
    /** Its secondary private IP. */
    public static final String SECONDARY_IP = "10.0.1.11";
    /** Its second network interface. */
    public static final String ENI2 = "eni-0aaaaaaaaaaaaaaa2";
    /** The second interface's IP. */
    public static final String ENI2_IP = "10.0.1.20";
    /** Its data volume. */
    public static final String DATA_VOLUME = "vol-0da7a0da7a0da7a01";
    /** Its Elastic IP allocation. */
    public static final String EIP = "eipalloc-0e1e1e1e1e1e1e1e1";
    /** Its Elastic IP. */
    public static final String EIP_ADDRESS = "198.51.100.200";
    /** The PV AMI it was launched from. */
    public static final String PV_IMAGE = "ami-0c0ffee0c0ffee001";
    /** PV-GRUB (hd0) for x86_64. */
    public static final String PV_GRUB_KERNEL = "aki-919dcaf8";
    /** The public Debian 12 AMI workers boot. */
    public static final String DEBIAN_IMAGE = "ami-0deb1a0deb1a0deb1";

    private SandboxWorld() {
    }

    /** The world with a control-plane-only root volume (its guest is simulated). */
    public static World simulated() {
        return world(VolumeSeed.of("/dev/sda1", 8)).build();
    }

    /** The simulated world, still open for more images and instances. */
    public static World.Builder simulatedBuilder() {
        return world(VolumeSeed.of("/dev/sda1", 8));
    }

    /** The world whose source root volume is the PV disk image {@code rootDisk} (a lab fixture copy). */
    public static World withRootDisk(Path rootDisk) {
        return world(VolumeSeed.of("/dev/sda1", 1).diskImage(rootDisk)).build();
    }

    private static World.Builder world(VolumeSeed root) {
        InstanceSeed web = InstanceSeed.of(SOURCE, PV_IMAGE).instanceType("m1.large").privateIp(SOURCE_IP)
                .secondaryPrivateIp(SECONDARY_IP).keyName("ops").instanceProfile("app-role").root(root)
                .dataVolume(VolumeSeed.of("/dev/sdf", 100).id(DATA_VOLUME))
                .secondaryEni(NetworkInterfaceSeed.in(World.SUBNET_A, ENI2_IP).id(ENI2))
                .tag("Name", "web-1").tag("env", "prod");
        return World.builder().defaultNetwork().keyPair("ops").instanceProfile("app-role")
                .image(ImageSeed.pv(PV_IMAGE, "centos6-pv").kernelId(PV_GRUB_KERNEL))
                .image(ImageSeed.hvm(DEBIAN_IMAGE, "debian-12-amd64").enaSupport(true).publicByAmazon())
                .publicParameter(AwsSteps.DEBIAN_12_PARAMETER, DEBIAN_IMAGE)
                .instance(web)
                .elasticIp(EIP, EIP_ADDRESS, SOURCE);
    }
}
