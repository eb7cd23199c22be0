package io.pv2hvm.testkit.world;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An AMI with one root snapshot (created alongside it). Fluent. */
public final class ImageSeed {

    private String id;
    private String name;
    private String virtualizationType = "paravirtual";
    private String architecture = "x86_64";
    private String kernelId;
    private String ramdiskId;
    private String rootDeviceName = "/dev/sda1";
    private boolean enaSupport;
    private int rootSizeGiB = 8;
    private String rootSnapshotId;
    private List<String> productCodes = new ArrayList<>();
    private List<String> ephemeralDevices = new ArrayList<>();
    private String diskImage;
    private boolean isPublic;
    private String ownerId;
    private boolean ssmAgent;
    private String imageType = "machine";
    private String imageLocation;

    /** A paravirtual x86_64 AMI booting through PV-GRUB ({@code aki-919dcaf8}, hd0 1.05). */
    public static ImageSeed pv(String id, String name) {
        ImageSeed s = new ImageSeed();
        s.id = id;
        s.name = name;
        s.kernelId = World.PV_GRUB_HD0_X86_64;
        return s;
    }

    /** An HVM x86_64 AMI with ENA support and root {@code /dev/xvda}. */
    public static ImageSeed hvm(String id, String name) {
        ImageSeed s = new ImageSeed();
        s.id = id;
        s.name = name;
        s.virtualizationType = "hvm";
        s.rootDeviceName = "/dev/xvda";
        s.enaSupport = true;
        return s;
    }

    /**
     * A public PV-GRUB kernel image (AKI) owned by Amazon, as PV AMIs reference in their
     * kernel id (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/UserProvidedKernels.html).
     */
    public static ImageSeed pvGrubKernel(String akiId, String manifest, String architecture) {
        ImageSeed s = new ImageSeed();
        s.id = akiId;
        s.name = manifest;
        s.imageType = "kernel";
        s.imageLocation = "ec2-public-images/" + manifest + ".manifest.xml";
        s.architecture = architecture;
        s.kernelId = null;
        s.rootDeviceName = null;
        return s.publicByAmazon();
    }

    /** Sets the architecture (i386, x86_64). */
    public ImageSeed architecture(String a) { this.architecture = a; return this; }
    /** Sets the kernel (AKI) id. */
    public ImageSeed kernelId(String k) { this.kernelId = k; return this; }
    /** Sets the ramdisk (ARI) id. */
    public ImageSeed ramdiskId(String r) { this.ramdiskId = r; return this; }
    /** Sets the root device name. */
    public ImageSeed rootDeviceName(String r) { this.rootDeviceName = r; return this; }
    /** Sets EnaSupport. */
    public ImageSeed enaSupport(boolean e) { this.enaSupport = e; return this; }
    /** Sets the root volume size. */
    public ImageSeed rootSizeGiB(int s) { this.rootSizeGiB = s; return this; }
    /** Sets the root snapshot id (generated when absent). */
    public ImageSeed rootSnapshotId(String s) { this.rootSnapshotId = s; return this; }
    /** Adds a Marketplace product code (copied onto the root snapshot). */
    public ImageSeed marketplaceCode(String c) { this.productCodes.add(c); return this; }
    /** Maps an instance-store volume ({@code ephemeral0} at {@code /dev/sdb}, ...). */
    public ImageSeed instanceStore(String device) { this.ephemeralDevices.add(device); return this; }
    /** Backs the root snapshot with a disk image file. */
    public ImageSeed diskImage(Path file) { this.diskImage = file.toString(); return this; }
    /**
     * The image ships the SSM agent, as AWS's list "AMIs with SSM Agent preinstalled" says of
     * Amazon Linux 2 and 2023, SUSE Linux Enterprise Server and Ubuntu Server, and not of Debian
     * or most other distributions (https://docs.aws.amazon.com/systems-manager/latest/userguide/ami-preinstalled-agent.html).
     * Default: no agent.
     */
    public ImageSeed withSsmAgent() { this.ssmAgent = true; return this; }
    /** Instances from this image run no SSM agent (the default; never Online in DescribeInstanceInformation). */
    public ImageSeed withoutSsmAgent() { this.ssmAgent = false; return this; }
    /** Makes the image public and owned by Amazon. */
    public ImageSeed publicByAmazon() { this.isPublic = true; this.ownerId = "137112412989"; return this; }

    /** The id. */
    public String id() { return id; }
    /** The name. */
    public String name() { return name; }
    /** The virtualization type. */
    public String virtualizationType() { return virtualizationType; }
    /** The architecture. */
    public String architecture() { return architecture; }
    /** The kernel id, or null. */
    public String kernelId() { return kernelId; }
    /** The ramdisk id, or null. */
    public String ramdiskId() { return ramdiskId; }
    /** The root device name. */
    public String rootDeviceName() { return rootDeviceName; }
    /** EnaSupport. */
    public boolean enaSupport() { return enaSupport; }
    /** Root size. */
    public int rootSizeGiB() { return rootSizeGiB; }
    /** Root snapshot id, or null. */
    public String rootSnapshotId() { return rootSnapshotId; }
    /** Product codes. */
    public List<String> productCodes() { return List.copyOf(productCodes); }
    /** Instance-store device names. */
    public List<String> ephemeralDevices() { return List.copyOf(ephemeralDevices); }
    /** Backing disk image, or null. */
    public Path diskImage() { return diskImage == null ? null : Path.of(diskImage); }
    /** Whether public. */
    public boolean isPublic() { return isPublic; }
    /** {@code machine}, or {@code kernel} for an AKI. */
    public String imageType() { return imageType; }
    /** The S3 manifest of a kernel image, or null. */
    public String imageLocation() { return imageLocation; }
    /** Whether instances from this image run the SSM agent (see {@link #withSsmAgent()}). */
    public boolean ssmAgent() { return ssmAgent; }
    /** Owner account, or null for the emulator's account. */
    public String ownerId() { return ownerId; }
}
