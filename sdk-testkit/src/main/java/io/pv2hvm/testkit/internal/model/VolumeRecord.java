package io.pv2hvm.testkit.internal.model;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Mutable state of one EBS volume; guarded by the model lock. */
public final class VolumeRecord {
    public String id;
    public int sizeGiB;
    public String snapshotId;
    public String availabilityZone;
    /** creating | available | in-use | deleting | deleted | error. */
    public VolumeState state = VolumeState.CREATING;
    public String volumeType = "gp2";
    public Integer iops;
    /** gp3 throughput in MiB/s; null for other types. */
    public Integer throughput;
    public boolean encrypted;
    /** The KMS key ARN of an encrypted volume, null otherwise. */
    public String kmsKeyId;
    public Instant createTime;
    public Instant createdAt;
    public List<String> productCodes = new ArrayList<>();
    public Path diskImage;
    /** The filesystem a simulated worker reads on it (carried through snapshots), or null. */
    public io.pv2hvm.testkit.world.FilesystemSeed filesystem;
    public long generation;
    // The single attachment, when attached or attaching/detaching.
    public String attachedInstanceId;
    public String device;
    /** The attachment's state; null while not attached. */
    public AttachmentState attachState;
    public Instant attachTime;
    public boolean deleteOnTermination;
    /** Bytes of written data the volume holds (what a first snapshot must copy). */
    public long dataBytes;
    /** Bytes written since the snapshot this volume was created from or last snapshotted to. */
    public long changedBytes;

    /** Records {@code bytes} newly written (capped at the volume's size). */
    public void written(long bytes) {
        long size = (long) sizeGiB << 30;
        dataBytes = Math.min(size, dataBytes + bytes);
        changedBytes = Math.min(size, changedBytes + bytes);
    }
}
