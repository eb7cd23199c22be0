package io.pv2hvm.testkit.internal.model;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Mutable state of one snapshot; guarded by the model lock. */
public final class SnapshotRecord {
    public String id;
    public String volumeId;
    public int sizeGiB;
    /** pending | completed | error. */
    public SnapshotState state = SnapshotState.PENDING;
    public Instant startTime;
    public Instant completeAt;
    public String description = "";
    public boolean encrypted;
    /** The KMS key ARN of an encrypted snapshot (its volume's), null otherwise. */
    public String kmsKeyId;
    public Instant createdAt;
    public List<String> productCodes = new ArrayList<>();
    public Path diskImage;
    /** The filesystem a simulated worker reads on it (carried through snapshots), or null. */
    public io.pv2hvm.testkit.world.FilesystemSeed filesystem;
    /** Bytes of data a volume restored from this snapshot holds. */
    public long dataBytes;
    /** Bytes this snapshot had to copy: only blocks changed since its parent (incremental). */
    public long deltaBytes;
    public String ownerId = Ec2Model.ACCOUNT_ID;

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
