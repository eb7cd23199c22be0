package io.pv2hvm.samples.sandbox;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.NetworkInterfaceSeed;
import io.pv2hvm.testkit.world.FilesystemSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The account the sandbox emulates: one PV web server (m1.large, PV-GRUB) with a secondary
 * private IP, a second network interface, an Elastic IP and a data volume, plus the public
 * Ubuntu 24.04 image a worker is launched from (it ships the SSM agent) and the instance profile
 * {@link #WORKER_PROFILE} the worker needs for SSM.
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
    /** The UUID of the ext4 filesystem on {@link #DATA_VOLUME}, which the converted fstab names it by. */
    public static final String DATA_VOLUME_UUID = "5b1e7c0a-3d2f-4e6b-9a8c-0f1e2d3c4b5a";
    /** The second data volume of the full-userland world, mounted by UUID. */
    public static final String DATA_VOLUME_2 = "vol-0da7a0da7a0da7a02";
    /** Its Elastic IP allocation. */
    public static final String EIP = "eipalloc-0e1e1e1e1e1e1e1e1";
    /** Its Elastic IP. */
    public static final String EIP_ADDRESS = "198.51.100.200";
    /** The PV AMI it was launched from. */
    public static final String PV_IMAGE = "ami-0c0ffee0c0ffee001";
    /** PV-GRUB (hd0) for x86_64. */
    public static final String PV_GRUB_KERNEL = "aki-919dcaf8";
    /** The public Ubuntu Server 24.04 AMI workers boot; like Canonical's, it ships the SSM agent. */
    public static final String UBUNTU_IMAGE = "ami-0ca11ed24040ca11e";
    /** The instance profile for workers; its role has AmazonSSMManagedInstanceCore. */
    public static final String WORKER_PROFILE = "pv2hvm-worker";

    private SandboxWorld() {
    }

    /** The world with a control-plane-only root volume (its guest is simulated). */
    public static World simulated() {
        return world(VolumeSeed.of("/dev/sda1", 8)).build();
    }

    /**
     * The simulated world with the source's root and data volume encrypted under the customer
     * managed KMS key {@code kmsKeyArn} (its guest is simulated).
     */
    public static World simulatedEncryptedWith(String kmsKeyArn) {
        return world(source(VolumeSeed.of("/dev/sda1", 8).encryptedWith(kmsKeyArn), VolumeSeed.of("/dev/sdf", 100)
                .id(DATA_VOLUME).filesystem(FilesystemSeed.ext4(DATA_VOLUME_UUID)).encryptedWith(kmsKeyArn))).build();
    }

    /**
     * The simulated world whose source runs the SSM agent and whose profile's role has
     * AmazonSSMManagedInstanceCore, so DUAL_BOOT's {@code sourceOverSsm()} reaches it (its guest is simulated).
     */
    public static World simulatedWithSourceOnSsm() {
        return world(source(VolumeSeed.of("/dev/sda1", 8), VolumeSeed.of("/dev/sdf", 100).id(DATA_VOLUME)
                .filesystem(FilesystemSeed.ext4(DATA_VOLUME_UUID))), true).build();
    }

    /** The simulated world, still open for more images and instances. */
    public static World.Builder simulatedBuilder() {
        return world(VolumeSeed.of("/dev/sda1", 8));
    }

    /** The world whose source root volume is the PV disk image {@code rootDisk} (a lab fixture copy). */
    public static World withRootDisk(Path rootDisk) {
        // The worker reads the data volume's filesystems from real bytes: back it with a sparse file
        // beside the root disk (empty: blkid finds no filesystem, and fstab keeps its device name).
        Path data = rootDisk.resolveSibling("sandbox-data-volume.img");
        try {
            Files.deleteIfExists(data);
            try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
                f.setLength(1L << 30);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sandbox's data volume " + data, e);
        }
        return world(source(VolumeSeed.of("/dev/sda1", 1).diskImage(rootDisk), VolumeSeed.of("/dev/sdf", 1).id(DATA_VOLUME)
                .diskImage(data))).build();
    }

    /**
     * The world whose source is a full-userland guest: root volume {@code rootDisk}, and its data
     * volumes {@code dataF} ({@code /dev/sdf}, which its fstab names {@code /dev/xvdf}) and
     * {@code dataG} ({@code /dev/sdg}, by UUID), all lab fixture copies.
     */
    public static World withUserland(Path rootDisk, Path dataF, Path dataG) {
        InstanceSeed web = source(VolumeSeed.of("/dev/sda1", 2).diskImage(rootDisk),
                VolumeSeed.of("/dev/sdf", 1).id(DATA_VOLUME).diskImage(dataF))
                .dataVolume(VolumeSeed.of("/dev/sdg", 1).id(DATA_VOLUME_2).diskImage(dataG));
        return world(web).build();
    }

    private static World.Builder world(VolumeSeed root) {
        return world(source(root, VolumeSeed.of("/dev/sdf", 100).id(DATA_VOLUME).filesystem(FilesystemSeed.ext4(DATA_VOLUME_UUID))));
    }

    private static InstanceSeed source(VolumeSeed root, VolumeSeed data) {
        return InstanceSeed.of(SOURCE, PV_IMAGE).instanceType("m1.large").privateIp(SOURCE_IP)
                .secondaryPrivateIp(SECONDARY_IP).keyName("ops").instanceProfile("app-role").root(root)
                .dataVolume(data)
                .secondaryEni(NetworkInterfaceSeed.in(World.SUBNET_A, ENI2_IP).id(ENI2))
                .tag("Name", "web-1").tag("env", "prod");
    }

    private static World.Builder world(InstanceSeed web) {
        return world(web, false);
    }

    private static World.Builder world(InstanceSeed web, boolean sourceOnSsm) {
        ImageSeed pv = ImageSeed.pv(PV_IMAGE, "centos6-pv").kernelId(PV_GRUB_KERNEL);
        return World.builder().defaultNetwork().keyPair("ops")
                .instanceProfile("app-role", sourceOnSsm ? new String[]{InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE}
                        : new String[0])
                .instanceProfile(WORKER_PROFILE, InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE)
                .image(sourceOnSsm ? pv.withSsmAgent() : pv)
                .image(ImageSeed.hvm(UBUNTU_IMAGE, "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251201")
                        .enaSupport(true).publicByAmazon().withSsmAgent())
                .publicParameter(AwsSteps.UBUNTU_24_04_PARAMETER, UBUNTU_IMAGE)
                .instance(web)
                .elasticIp(EIP, EIP_ADDRESS, SOURCE);
    }
}
