package io.pv2hvm.aws.internal;

import java.util.Set;

/** The {@code pv2hvm:role} values, and which of them are temporary (deleted in cleanup). */
public final class Roles {
    public static final String TRIAL_SNAPSHOT = "trial-snapshot";
    public static final String WORKER = "worker";
    public static final String SCRATCH_SOURCE = "scratch-source-volume";
    public static final String SCRATCH_TARGET = "scratch-target-volume";
    public static final String TRIAL_IMAGE = "trial-image";
    public static final String TRIAL_IMAGE_SNAPSHOT = "trial-image-snapshot";
    public static final String TRIAL_INSTANCE = "trial-instance";
    /** The quarantine group of the trial instance: only the worker may reach it, and it reaches nothing. */
    public static final String TRIAL_SECURITY_GROUP = "trial-security-group";
    /** Snapshots of the running source's data volumes, from which the trial gets its copies. */
    public static final String TRIAL_DATA_SNAPSHOT = "trial-data-snapshot";
    /** The trial instance's volumes (its root and the data copies), deleted with it. */
    public static final String TRIAL_VOLUME = "trial-volume";
    /** The source root as it was when stopped; backs the backup image, so it is kept. */
    public static final String FINAL_SNAPSHOT = "final-snapshot";
    public static final String FINAL_SCRATCH_SOURCE = "final-scratch-source-volume";
    public static final String FINAL_SCRATCH_TARGET = "final-scratch-target-volume";
    public static final String HVM_IMAGE = "hvm-image";
    public static final String HVM_IMAGE_SNAPSHOT = "hvm-image-snapshot";
    public static final String BACKUP_IMAGE = "backup-image";
    /**
     * A rollback's second backup image, registered from the same final snapshot when the first one
     * ended {@code failed} after the source was terminated: the source is relaunched from it. Kept.
     */
    public static final String REREGISTERED_BACKUP_IMAGE = "reregistered-backup-image";
    public static final String NEW_INSTANCE = "hvm-instance";
    /**
     * The source's own root volume, converted to HVM in place after its final snapshot (the
     * snapshot and the backup image keep its PV data). A customer volume: never deleted, only tagged.
     */
    public static final String CONVERTED_SOURCE_ROOT = "converted-source-root";
    /**
     * DUAL_BOOT's snapshot of the running source's root taken before the live change: the way back
     * to the source exactly as it was. Kept whatever happens, never deleted by pv2hvm.
     */
    public static final String PRE_CHANGE_SNAPSHOT = "pre-change-snapshot";
    /** A rollback's new root for the source, made from the final snapshot when the original was converted. */
    public static final String RESTORED_SOURCE_ROOT = "restored-source-root";

    /** Roles whose resources cleanup deletes; everything else is kept for the user. */
    /** A volume from a data volume's trial snapshot, attached to the worker to read its filesystems. */
    public static final String DATA_VOLUME_COPY = "data-volume-copy";
    public static final Set<String> TEMPORARY = Set.of(TRIAL_SNAPSHOT, WORKER, SCRATCH_SOURCE, SCRATCH_TARGET,
            TRIAL_IMAGE, TRIAL_IMAGE_SNAPSHOT, TRIAL_INSTANCE, FINAL_SCRATCH_SOURCE,
            FINAL_SCRATCH_TARGET, TRIAL_SECURITY_GROUP, TRIAL_DATA_SNAPSHOT, TRIAL_VOLUME,
            DATA_VOLUME_COPY);

    private Roles() {
    }
}
