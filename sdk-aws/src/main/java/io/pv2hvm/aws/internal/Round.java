package io.pv2hvm.aws.internal;

import io.pv2hvm.core.spi.FactKey;

/**
 * The two passes of the conversion: a trial on a crash-consistent snapshot while the source
 * serves, and the final one on the stopped source's data. Same recipe, different names.
 */
public enum Round {
    TRIAL("trial", AwsFacts.TRIAL_SNAPSHOT, Roles.SCRATCH_SOURCE, Roles.SCRATCH_TARGET, Roles.TRIAL_IMAGE,
            Roles.TRIAL_IMAGE_SNAPSHOT, AwsFacts.TRIAL_IMAGE),
    FINAL("final", AwsFacts.FINAL_SNAPSHOT, Roles.FINAL_SCRATCH_SOURCE, Roles.FINAL_SCRATCH_TARGET, Roles.HVM_IMAGE,
            Roles.HVM_IMAGE_SNAPSHOT, AwsFacts.HVM_IMAGE);

    private final String label;
    private final FactKey<String> snapshotFact;
    private final String sourceVolumeRole;
    private final String targetVolumeRole;
    private final String imageRole;
    private final String imageSnapshotRole;
    private final FactKey<String> imageFact;
    private final FactKey<String> convertedVolumeFact;

    Round(String label, FactKey<String> snapshotFact, String sourceVolumeRole, String targetVolumeRole, String imageRole,
          String imageSnapshotRole, FactKey<String> imageFact) {
        this.label = label;
        this.snapshotFact = snapshotFact;
        this.sourceVolumeRole = sourceVolumeRole;
        this.targetVolumeRole = targetVolumeRole;
        this.imageRole = imageRole;
        this.imageSnapshotRole = imageSnapshotRole;
        this.imageFact = imageFact;
        this.convertedVolumeFact = FactKey.string("aws.converted-volume." + label);
    }

    public String label() {
        return label;
    }

    /** The fact holding the snapshot of the source root this round converts. */
    public FactKey<String> snapshotKey() {
        return snapshotFact;
    }

    public String sourceVolumeRole() {
        return sourceVolumeRole;
    }

    public String targetVolumeRole() {
        return targetVolumeRole;
    }

    public String imageRole() {
        return imageRole;
    }

    public String imageSnapshotRole() {
        return imageSnapshotRole;
    }

    /** The fact holding the image this round registers. */
    public FactKey<String> imageKey() {
        return imageFact;
    }

    /** The fact naming the volume that holds the converted, bootable disk. */
    public FactKey<String> convertedVolumeKey() {
        return convertedVolumeFact;
    }

}
