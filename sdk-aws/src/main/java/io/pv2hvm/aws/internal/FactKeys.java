package io.pv2hvm.aws.internal;

/**
 * Keys of the facts the AWS steps journal for each other (and for a resumed run).
 *
 * @deprecated use the typed keys of {@link AwsFacts} (same journal names); kept until the last
 *     step reading facts by name has moved (issue #17)
 */
@Deprecated
public final class FactKeys {
    public static final String SOURCE = "aws.source";
    public static final String TARGET_NITRO = "aws.target-nitro";
    public static final String TARGET_ENA_REQUIRED = "aws.target-ena-required";
    public static final String TARGET_EBS_OPTIMIZED = "aws.target-ebs-optimized";
    /** The CPU credit option for a burstable target; empty for other types. */
    public static final String TARGET_CPU_CREDITS = "aws.target-cpu-credits";
    public static final String WORKER = "aws.worker";
    public static final String WORKER_LAUNCHED = "aws.worker-launched";
    public static final String WORKER_TERMINATED = "aws.worker-terminated";
    public static final String TRIAL_SNAPSHOT = "aws.trial-snapshot";
    public static final String GUEST = "aws.guest";
    public static final String GUEST_HAS_ENA = "aws.guest-has-ena";
    public static final String STRATEGY = "aws.strategy";
    /** IN_PLACE: what the trial's conversion decided from, so the final round is one worker command (ConversionRecipe). */
    public static final String CONVERSION_RECIPE = "aws.conversion-recipe";
    /** DUAL_BOOT: journaled before the first write to the running source (its live change may have begun). */
    public static final String SOURCE_CHANGED_LIVE = "aws.source-changed-live";
    public static final String TRIAL_IMAGE = "aws.trial-image";
    public static final String TRIAL_INSTANCE = "aws.trial-instance";
    public static final String TRIAL_VERIFIED = "aws.trial-verified";
    public static final String TRIAL_SECURITY_GROUP = "aws.trial-security-group";
    /** Whether the guest's init mounts fstab once at boot (sysvinit, RHEL-style upstart). */
    public static final String GUEST_MOUNTS_ONCE = "aws.guest-mounts-fstab-once";
    /** The quarantine group the new instance was launched in, until its first boot with the data volumes. */
    public static final String NEW_INSTANCE_QUARANTINED = "aws.new-instance-quarantined-in";
    public static final String NEW_INSTANCE_HELD = "aws.new-instance-held-for-volumes";
    public static final String SOURCE_WAS_RUNNING = "aws.source-was-running";
    public static final String FINAL_SNAPSHOT = "aws.final-snapshot";
    public static final String HVM_IMAGE = "aws.hvm-image";
    public static final String BACKUP_IMAGE = "aws.backup-image";
    /** The backup image a rollback registered again because the first one ended failed. */
    public static final String REREGISTERED_BACKUP_IMAGE = "aws.reregistered-backup-image";
    public static final String SOURCE_TERMINATED = "aws.source-terminated";
    /** TerminateInstances of the source was answered: the source is going, whatever a (stale) describe says. */
    public static final String SOURCE_TERMINATION_STARTED = "aws.source-termination-started";
    public static final String NEW_INSTANCE = "aws.new-instance";
    /** The source's own root volume, moved to the worker in the window to be converted there. */
    public static final String SOURCE_ROOT_ON_WORKER = "aws.source-root-on-worker";
    public static final String SOURCE_ROOT_OFF_WORKER = "aws.source-root-off-worker";
    /**
     * Journaled just before the first write to the source's own root volume: from then on only the
     * final snapshot holds its PV data, and a rollback gives the source a root made from it.
     */
    public static final String SOURCE_ROOT_CONVERTED = "aws.source-root-converted";
    /** The volume a rollback made from the final snapshot as the source's new root. */
    public static final String RESTORED_SOURCE_ROOT = "aws.restored-source-root";

    /** The volume id created for a role, e.g. {@code aws.volume.scratch-source-volume}. */
    public static String volume(String role) {
        return "aws.volume." + role;
    }

    /** The trial snapshot of the source's data volume {@code volumeId}. */
    public static String dataSnapshot(String volumeId) {
        return "aws.trial-data-snapshot." + volumeId;
    }

    /** The filesystems read from a copy of the source's data volume {@code volumeId} (the worker script's FS lines). */
    public static String dataFilesystems(String volumeId) {
        return "aws.data-filesystems." + volumeId;
    }

    /** The snapshot of an image built for a role. */
    public static String snapshot(String role) {
        return "aws.snapshot." + role;
    }

    private FactKeys() {
    }
}
