package io.pv2hvm.aws.internal;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionRecipe;
import io.pv2hvm.core.spi.FactCodec;
import io.pv2hvm.core.spi.FactFamily;
import io.pv2hvm.core.spi.FactKey;

/**
 * The typed facts the AWS steps journal for each other and for a resumed run. The names are those
 * of the string keys journals have always held, so a run started before the keys were typed
 * resumes. Presence flags ({@link #SOURCE_TERMINATED}, {@link #TRIAL_VERIFIED}, …) are read with
 * {@code has}: what they hold is secondary.
 */
public final class AwsFacts {
    /** The source instance as preflight read it (read once per run). */
    public static final FactKey<SourceInstance> SOURCE = FactKey.json("aws.source", SourceInstance.class);
    /** Whether the target type runs on Nitro (NVMe and ENA needed). */
    public static final FactKey<Boolean> TARGET_NITRO = FactKey.bool("aws.target-nitro");
    /** Whether the target type requires ENA. */
    public static final FactKey<Boolean> TARGET_ENA_REQUIRED = FactKey.bool("aws.target-ena-required");
    /** Whether the new instance is launched EBS-optimized. */
    public static final FactKey<Boolean> TARGET_EBS_OPTIMIZED = FactKey.bool("aws.target-ebs-optimized");
    /** The CPU credit option for a burstable target; empty for other types. */
    public static final FactKey<String> TARGET_CPU_CREDITS = FactKey.string("aws.target-cpu-credits");
    /** The worker instance. */
    public static final FactKey<String> WORKER = FactKey.string("aws.worker");
    /** Whether this migration launched the worker (false: the user's own). */
    public static final FactKey<Boolean> WORKER_LAUNCHED = FactKey.bool("aws.worker-launched");
    /** Whether cleanup has terminated the worker this migration launched (so later hooks need not look). */
    public static final FactKey<Boolean> WORKER_TERMINATED = FactKey.bool("aws.worker-terminated");
    /** The trial snapshot of the running source's root. */
    public static final FactKey<String> TRIAL_SNAPSHOT = FactKey.string("aws.trial-snapshot");
    /** Whether the converted guest has the ena driver. */
    public static final FactKey<Boolean> GUEST_HAS_ENA = FactKey.bool("aws.guest-has-ena");
    /** The conversion strategy chosen for this guest. */
    public static final FactKey<ConversionStrategy> STRATEGY = FactKey.of("aws.strategy", ConversionStrategy.class);
    /** IN_PLACE: what the trial's conversion decided from, so the final round is one worker command. */
    public static final FactKey<ConversionRecipe> CONVERSION_RECIPE = FactKey.of("aws.conversion-recipe",
            new FactCodec<>() {
                @Override
                public String toJson(ConversionRecipe value) {
                    return FactCodec.string().toJson(value.encode());
                }

                @Override
                public ConversionRecipe fromJson(String json) {
                    return ConversionRecipe.decode(FactCodec.string().fromJson(json));
                }

                @Override
                public String toLegacy(ConversionRecipe value) {
                    return value.encode();
                }

                @Override
                public ConversionRecipe fromLegacy(String value) {
                    return ConversionRecipe.decode(value);
                }
            });
    /** DUAL_BOOT: journaled before the first write to the running source (its live change may have begun). */
    public static final FactKey<Boolean> SOURCE_CHANGED_LIVE = FactKey.bool("aws.source-changed-live");
    /** The trial round's HVM image. */
    public static final FactKey<String> TRIAL_IMAGE = FactKey.string("aws.trial-image");
    /** The trial instance. */
    public static final FactKey<String> TRIAL_INSTANCE = FactKey.string("aws.trial-instance");
    /** Presence: the trial passed its boot check (holds the trial instance's id). */
    public static final FactKey<String> TRIAL_VERIFIED = FactKey.string("aws.trial-verified");
    /** The quarantine security group of the trial (and of a held new instance). */
    public static final FactKey<String> TRIAL_SECURITY_GROUP = FactKey.string("aws.trial-security-group");
    /** Whether the guest's init mounts fstab once at boot (sysvinit, RHEL-style upstart). */
    public static final FactKey<Boolean> GUEST_MOUNTS_ONCE = FactKey.bool("aws.guest-mounts-fstab-once");
    /** Presence: the quarantine group the new instance was launched in, until its first boot with the data volumes. */
    public static final FactKey<String> NEW_INSTANCE_QUARANTINED = FactKey.string("aws.new-instance-quarantined-in");
    /** Whether the source was running when the cutover stopped it. */
    public static final FactKey<Boolean> SOURCE_WAS_RUNNING = FactKey.bool("aws.source-was-running");
    /** The final snapshot of the stopped source's root. */
    public static final FactKey<String> FINAL_SNAPSHOT = FactKey.string("aws.final-snapshot");
    /** The final HVM image. */
    public static final FactKey<String> HVM_IMAGE = FactKey.string("aws.hvm-image");
    /** The source's PV backup image. */
    public static final FactKey<String> BACKUP_IMAGE = FactKey.string("aws.backup-image");
    /** The backup image a rollback registered again because the first one ended failed. */
    public static final FactKey<String> REREGISTERED_BACKUP_IMAGE = FactKey.string("aws.reregistered-backup-image");
    /** Presence: the source was (or is being) terminated. */
    public static final FactKey<Boolean> SOURCE_TERMINATED = FactKey.bool("aws.source-terminated");
    /** Presence: TerminateInstances of the source was answered, whatever a (stale) describe says. */
    public static final FactKey<Boolean> SOURCE_TERMINATION_STARTED = FactKey.bool("aws.source-termination-started");
    /** The new HVM instance. */
    public static final FactKey<String> NEW_INSTANCE = FactKey.string("aws.new-instance");
    /** The source's own root volume, moved to the worker in the window to be converted there. */
    public static final FactKey<String> SOURCE_ROOT_ON_WORKER = FactKey.string("aws.source-root-on-worker");
    /** Whether cleanup has detached the source's own root from the worker (so a later hook need not look). */
    public static final FactKey<Boolean> SOURCE_ROOT_OFF_WORKER = FactKey.bool("aws.source-root-off-worker");
    /**
     * Presence, journaled just before the first write to the source's own root volume: from then
     * on only the final snapshot holds its PV data, and a rollback gives the source a root made
     * from it. Holds the volume's id.
     */
    public static final FactKey<String> SOURCE_ROOT_CONVERTED = FactKey.string("aws.source-root-converted");
    /** The volume a rollback made from the final snapshot as the source's new root. */
    public static final FactKey<String> RESTORED_SOURCE_ROOT = FactKey.string("aws.restored-source-root");

    /**
     * The deep inventory's findings: the guest's os, kernel and init, and its conversion blockers.
     * A {@code result.*} fact, so {@code MigrationResult.fact} reads it back.
     */
    public static final FactKey<InspectedGuest> GUEST_INSPECTION = FactKey.json("result.guest-inspection",
            InspectedGuest.class);

    /** The volume created for a role, e.g. {@code VOLUME.of("scratch-source-volume")}. */
    public static final FactFamily<String> VOLUME = FactFamily.of("aws.volume.", FactCodec.string());
    /** The trial snapshot of a source data volume, by the volume's id. */
    public static final FactFamily<String> DATA_SNAPSHOT = FactFamily.of("aws.trial-data-snapshot.", FactCodec.string());
    /** The filesystems read from a copy of a source data volume, by the volume's id (the worker script's FS lines). */
    public static final FactFamily<String> DATA_FILESYSTEMS = FactFamily.of("aws.data-filesystems.", FactCodec.string());
    /** The snapshot of an image built for a role. */
    public static final FactFamily<String> SNAPSHOT = FactFamily.of("aws.snapshot.", FactCodec.string());

    private AwsFacts() {
    }
}
