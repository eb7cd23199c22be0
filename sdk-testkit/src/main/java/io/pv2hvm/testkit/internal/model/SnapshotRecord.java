package io.pv2hvm.testkit.internal.model;

import io.pv2hvm.testkit.world.FilesystemSeed;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** State of one snapshot; guarded by the model lock. */
public final class SnapshotRecord {
    private final String id;
    /** The volume it was taken of; null for a snapshot the world was seeded with. */
    private final String volumeId;
    private final int sizeGiB;
    private final String description;
    private final Instant startTime;
    private final Instant createdAt;
    /** pending | completed; only {@link #complete()} changes it. */
    private SnapshotState state = SnapshotState.PENDING;
    private Instant completeAt;
    private boolean encrypted;
    /** The KMS key ARN of an encrypted snapshot (its volume's), null otherwise. */
    private String kmsKeyId;
    private final List<String> productCodes = new ArrayList<>();
    private Path diskImage;
    /** The filesystem a simulated worker reads on it (carried through snapshots), or null. */
    private FilesystemSeed filesystem;
    /** Bytes of data a volume restored from this snapshot holds. */
    private long dataBytes;
    /** Bytes this snapshot had to copy: only blocks changed since its parent (incremental). */
    private long deltaBytes;
    private String ownerId = Ec2Model.ACCOUNT_ID;

    public SnapshotRecord(String id, String volumeId, int sizeGiB, String description, Instant startTime,
                          Instant createdAt) {
        this.id = id;
        this.volumeId = volumeId;
        this.sizeGiB = sizeGiB;
        this.description = description;
        this.startTime = startTime;
        this.createdAt = createdAt;
    }

    // ------------------------------------------------------------ set while the snapshot is created

    /** The point-in-time data it captured: the disk image (or null), its filesystem, and its size. */
    public void captured(Path diskImage, FilesystemSeed filesystem, long dataBytes, long deltaBytes) {
        this.diskImage = diskImage;
        this.filesystem = filesystem;
        this.dataBytes = dataBytes;
        this.deltaBytes = deltaBytes;
    }

    /** Encrypted with {@code kmsKeyId} (its volume's key), or not encrypted. */
    public void encryption(boolean encrypted, String kmsKeyId) {
        this.encrypted = encrypted;
        this.kmsKeyId = kmsKeyId;
    }

    /** Marketplace product codes it carries (from its volume or AMI). */
    public void addProductCodes(Collection<String> codes) {
        productCodes.addAll(codes);
    }

    /** When its copy is reported done (progress grows linearly until then). */
    public void completesAt(Instant at) {
        completeAt = at;
    }

    /** Owned by another account (a public AMI's snapshot). */
    public void ownedBy(String ownerId) {
        this.ownerId = ownerId;
    }

    // ------------------------------------------------------------ transitions

    /** The snapshot is {@code completed}. */
    public void complete() {
        state = SnapshotState.COMPLETED;
    }

    /** A snapshot still {@code pending} is now {@code completed}; any other state is left as it is. */
    public void completeIfPending() {
        if (state == SnapshotState.PENDING) {
            state = SnapshotState.COMPLETED;
        }
    }

    // ------------------------------------------------------------ reads

    public String id() {
        return id;
    }

    public String volumeId() {
        return volumeId;
    }

    public int sizeGiB() {
        return sizeGiB;
    }

    public String description() {
        return description;
    }

    public SnapshotState state() {
        return state;
    }

    public Instant startTime() {
        return startTime;
    }

    public Instant completeAt() {
        return completeAt;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public boolean encrypted() {
        return encrypted;
    }

    public String kmsKeyId() {
        return kmsKeyId;
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

    public long dataBytes() {
        return dataBytes;
    }

    public long deltaBytes() {
        return deltaBytes;
    }

    public String ownerId() {
        return ownerId;
    }

    /** Progress in percent, growing linearly from start to completion. */
    public int progress(Instant now) {
        if (state == SnapshotState.COMPLETED) {
            return 100;
        }
        long total = completeAt.toEpochMilli() - startTime.toEpochMilli();
        if (total <= 0) {
            return 99;
        }
        long done = now.toEpochMilli() - startTime.toEpochMilli();
        return (int) Math.max(0, Math.min(99, done * 100 / total));
    }
}
