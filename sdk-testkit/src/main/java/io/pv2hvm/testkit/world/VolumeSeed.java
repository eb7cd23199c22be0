package io.pv2hvm.testkit.world;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An EBS volume: attached to an instance (root or data) or standing alone. Fluent; the
 * JSON seed uses this class's field names ({@code sizeGiB}, {@code productCodes}, {@code diskImage}, ...).
 */
public final class VolumeSeed {

    private String id;
    private String device;
    private int sizeGiB = 8;
    private String volumeType = "gp2";
    private Boolean deleteOnTermination;
    private String snapshotId;
    private String availabilityZone;
    private List<String> productCodes = new ArrayList<>();
    private String diskImage;
    private FilesystemSeed filesystem;
    private Map<String, String> tags = new LinkedHashMap<>();
    private Double usedGiB;
    private Integer iops;
    private Integer throughput;
    private String kmsKeyId;

    /** A volume of {@code sizeGiB} attached at {@code device} (null for unattached). */
    public static VolumeSeed of(String device, int sizeGiB) {
        VolumeSeed v = new VolumeSeed();
        v.device = device;
        v.sizeGiB = sizeGiB;
        return v;
    }

    /** Sets the volume id (generated when absent). */
    public VolumeSeed id(String id) { this.id = id; return this; }
    /** Sets the volume type (gp2, gp3, io1, standard...). */
    public VolumeSeed volumeType(String type) { this.volumeType = type; return this; }
    /** Sets DeleteOnTermination (default: true for the root volume, false for data volumes). */
    public VolumeSeed deleteOnTermination(boolean dot) { this.deleteOnTermination = dot; return this; }
    /** Sets the snapshot the volume was created from. */
    public VolumeSeed snapshotId(String snapshotId) { this.snapshotId = snapshotId; return this; }
    /** Sets the AZ of an unattached volume (attached ones take the instance's). */
    public VolumeSeed availabilityZone(String az) { this.availabilityZone = az; return this; }
    /** Adds an AWS Marketplace product code. */
    public VolumeSeed marketplaceCode(String code) { this.productCodes.add(code); return this; }
    /** Backs the volume with a disk image file; snapshots and volumes made from it copy it sparsely. */
    public VolumeSeed diskImage(Path file) { this.diskImage = file.toString(); return this; }

    /** The filesystem the volume holds, for workers that read it without a disk image (SimulatedWorker). */
    public VolumeSeed filesystem(FilesystemSeed fs) { this.filesystem = fs; return this; }
    /** Adds a tag. */
    public VolumeSeed tag(String key, String value) { this.tags.put(key, value); return this; }
    /** Sets how much data the volume holds (default: all of it), which is what its first snapshot copies. */
    public VolumeSeed usedGiB(double gib) {
        if (!(gib >= 0 && gib <= sizeGiB)) {
            throw new IllegalArgumentException("used data must be between 0 and " + sizeGiB + " GiB: " + gib);
        }
        this.usedGiB = gib;
        return this;
    }

    /** Encrypts the volume with this KMS key ARN. */
    public VolumeSeed encryptedWith(String kmsKeyArn) { this.kmsKeyId = kmsKeyArn; return this; }
    /** Sets provisioned IOPS (io1/io2/gp3). */
    public VolumeSeed iops(int iops) { this.iops = iops; return this; }
    /** Sets gp3 throughput in MiB/s. */
    public VolumeSeed throughput(int mibps) { this.throughput = mibps; return this; }

    /** The id, or null. */
    public String id() { return id; }
    /** The device name, or null when unattached. */
    public String device() { return device; }
    /** The size in GiB. */
    public int sizeGiB() { return sizeGiB; }
    /** The volume type. */
    public String volumeType() { return volumeType; }
    /** DeleteOnTermination, or null for the default. */
    public Boolean deleteOnTermination() { return deleteOnTermination; }
    /** The source snapshot, or null. */
    public String snapshotId() { return snapshotId; }
    /** The AZ of an unattached volume, or null. */
    public String availabilityZone() { return availabilityZone; }
    /** Marketplace product codes. */
    public List<String> productCodes() { return List.copyOf(productCodes); }
    /** The backing disk image, or null. */
    public Path diskImage() { return diskImage == null ? null : Path.of(diskImage); }

    /** The seeded filesystem, or null. */
    public FilesystemSeed filesystem() { return filesystem; }
    /** Tags. */
    public Map<String, String> tags() { return Map.copyOf(tags); }
    /** Provisioned IOPS, or null. */
    public Integer iops() { return iops; }
    /** gp3 throughput, or null. */
    public Integer throughput() { return throughput; }
    /** KMS key ARN when encrypted, else null. */
    public String kmsKeyId() { return kmsKeyId; }
    /** Bytes of data on the volume. */
    public long usedBytes() { return usedGiB == null ? (long) sizeGiB << 30 : (long) (usedGiB * (1L << 30)); }
}
