package io.pv2hvm.testkit.internal.model;

import io.pv2hvm.testkit.world.FilesystemSeed;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** Mutable state of one EBS volume; guarded by the model lock. */
public final class VolumeRecord {
    private final String id;
    private final int sizeGiB;
    private final String availabilityZone;
    private final Instant createdAt;
    // Set while the volume is created (CreateVolume, RunInstances, a seed), through the methods below.
    private String snapshotId;
    /** creating | available | in-use | deleting | deleted | error; changed only through the methods below. */
    private VolumeState state = VolumeState.CREATING;
    private String volumeType = "gp2";
    private Integer iops;
    /** gp3 throughput in MiB/s; null for other types. */
    private Integer throughput;
    private boolean encrypted;
    /** The KMS key ARN of an encrypted volume, null otherwise. */
    private String kmsKeyId;
    private Instant createTime;
    private final List<String> productCodes = new ArrayList<>();
    private Path diskImage;
    /** The filesystem a simulated worker reads on it (carried through snapshots), or null. */
    private FilesystemSeed filesystem;
    /** Guards scheduled transitions: each attach or detach bumps it, so a stale event does nothing. */
    private long generation;
    // The single attachment, when attached or attaching/detaching: changed only through the
    // methods below, so the four fields always describe one attachment or none.
    private String attachedInstanceId;
    private String device;
    /** The attachment's state; null while not attached. */
    private AttachmentState attachState;
    private Instant attachTime;
    private boolean deleteOnTermination;
    /** Bytes of written data the volume holds (what a first snapshot must copy). */
    private long dataBytes;
    /** Bytes written since the snapshot this volume was created from or last snapshotted to. */
    private long changedBytes;

    public VolumeRecord(String id, String availabilityZone, int sizeGiB, Instant createdAt) {
        this.id = id;
        this.availabilityZone = availabilityZone;
        this.sizeGiB = sizeGiB;
        this.createdAt = createdAt;
    }

    // ------------------------------------------------------------ set while the volume is created

    /** The snapshot it was restored from, or null. */
    public void restoredFrom(String snapshotId) {
        this.snapshotId = snapshotId;
    }

    public void volumeType(String volumeType) {
        this.volumeType = volumeType;
    }

    /** Provisioned IOPS and gp3 throughput; null when not given. */
    public void provisioned(Integer iops, Integer throughput) {
        this.iops = iops;
        this.throughput = throughput;
    }

    /** Encrypted with {@code kmsKeyId}, or not encrypted. */
    public void encryption(boolean encrypted, String kmsKeyId) {
        this.encrypted = encrypted;
        this.kmsKeyId = kmsKeyId;
    }

    /** The CreateTime EC2 reports. */
    public void createTime(Instant at) {
        createTime = at;
    }

    /** Marketplace product codes it carries (from its snapshot or seed). */
    public void addProductCodes(Collection<String> codes) {
        productCodes.addAll(codes);
    }

    /** The disk image backing it (or null) and the filesystem a simulated worker reads on it (or null). */
    public void disk(Path diskImage, FilesystemSeed filesystem) {
        this.diskImage = diskImage;
        this.filesystem = filesystem;
    }

    public String id() {
        return id;
    }

    public int sizeGiB() {
        return sizeGiB;
    }

    public String availabilityZone() {
        return availabilityZone;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public String snapshotId() {
        return snapshotId;
    }

    public String volumeType() {
        return volumeType;
    }

    public Integer iops() {
        return iops;
    }

    public Integer throughput() {
        return throughput;
    }

    public boolean encrypted() {
        return encrypted;
    }

    public String kmsKeyId() {
        return kmsKeyId;
    }

    public Instant createTime() {
        return createTime;
    }

    /** Read-only view. */
    public List<String> productCodes() {
        return Collections.unmodifiableList(productCodes);
    }

    public Path diskImage() {
        return diskImage;
    }

    public FilesystemSeed filesystem() {
        return filesystem;
    }

    public VolumeState state() {
        return state;
    }

    /** The current generation, to compare with the one a scheduled transition started in. */
    public long generation() {
        return generation;
    }

    /** Starts a new generation (an attach or detach begins), so events of older ones do nothing. */
    public long nextGeneration() {
        return ++generation;
    }

    public boolean deleteOnTermination() {
        return deleteOnTermination;
    }

    /** ModifyInstanceAttribute changed the attachment's DeleteOnTermination. */
    public void changeDeleteOnTermination(boolean deleteOnTermination) {
        this.deleteOnTermination = deleteOnTermination;
    }

    public long dataBytes() {
        return dataBytes;
    }

    public long changedBytes() {
        return changedBytes;
    }

    /** The data the volume holds when created, and how much of it a next snapshot must copy. */
    public void holds(long dataBytes, long changedBytes) {
        this.dataBytes = dataBytes;
        this.changedBytes = changedBytes;
    }

    /** A snapshot copied the changed blocks: the next one starts from here. */
    public void snapshotted() {
        changedBytes = 0;
    }

    /** The volume is {@code available} (created, or left behind detached by its terminated instance). */
    public void available() {
        state = VolumeState.AVAILABLE;
    }

    /** The volume is being deleted, until {@link #deleted()}. */
    public void beginDelete() {
        state = VolumeState.DELETING;
    }

    public void deleted() {
        state = VolumeState.DELETED;
    }

    /** Records {@code bytes} newly written (capped at the volume's size). */
    public void written(long bytes) {
        long size = (long) sizeGiB << 30;
        dataBytes = Math.min(size, dataBytes + bytes);
        changedBytes = Math.min(size, changedBytes + bytes);
    }

    /** The instance the volume is attached to (or attaching to, or detaching from); null when none. */
    public String attachedInstanceId() {
        return attachedInstanceId;
    }

    /** The device name of the attachment; null when none. */
    public String device() {
        return device;
    }

    /** The attachment's state; null when none. */
    public AttachmentState attachState() {
        return attachState;
    }

    public Instant attachTime() {
        return attachTime;
    }

    /** Attaches the volume at once: in-use, attachment {@code attached}. */
    public void attach(String instanceId, String device, boolean deleteOnTermination, Instant at) {
        state = VolumeState.IN_USE;
        attachedInstanceId = instanceId;
        this.device = device;
        attachState = AttachmentState.ATTACHED;
        attachTime = at;
        this.deleteOnTermination = deleteOnTermination;
    }

    /** Starts an attachment: in-use, attachment {@code attaching} until {@link #attachCompleted()}. */
    public void beginAttach(String instanceId, String device, boolean deleteOnTermination, Instant at) {
        attach(instanceId, device, deleteOnTermination, at);
        attachState = AttachmentState.ATTACHING;
    }

    /** An attachment still {@code attaching} is now {@code attached}; any other state is left as it is. */
    public void attachCompleted() {
        if (attachState == AttachmentState.ATTACHING) {
            attachState = AttachmentState.ATTACHED;
        }
    }

    /** The attachment is {@code attached}, whatever it was (an instance starting from stopped). */
    public void markAttached() {
        attachState = AttachmentState.ATTACHED;
    }

    public void beginDetach() {
        attachState = AttachmentState.DETACHING;
    }

    /** A detach finished: no attachment, DeleteOnTermination reset, the volume available. */
    public void detached() {
        dropAttachment();
        deleteOnTermination = false;
        state = VolumeState.AVAILABLE;
    }

    /** Forgets the attachment (its instance terminated); state and DeleteOnTermination are the caller's. */
    public void dropAttachment() {
        attachedInstanceId = null;
        device = null;
        attachState = null;
        attachTime = null;
    }
}
