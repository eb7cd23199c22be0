package io.pv2hvm.aws.internal;

/**
 * The two passes of the conversion: a trial on a crash-consistent snapshot while the source
 * serves, and the final one on the stopped source's data. Same recipe, different names.
 */
public enum Round {
    TRIAL("trial", FactKeys.TRIAL_SNAPSHOT, Roles.SCRATCH_SOURCE, Roles.SCRATCH_TARGET, Roles.TRIAL_IMAGE,
            Roles.TRIAL_IMAGE_SNAPSHOT, FactKeys.TRIAL_IMAGE),
    FINAL("final", FactKeys.FINAL_SNAPSHOT, Roles.FINAL_SCRATCH_SOURCE, Roles.FINAL_SCRATCH_TARGET, Roles.HVM_IMAGE,
            Roles.HVM_IMAGE_SNAPSHOT, FactKeys.HVM_IMAGE);

    private final String label;
    private final String snapshotFact;
    private final String sourceVolumeRole;
    private final String targetVolumeRole;
    private final String imageRole;
    private final String imageSnapshotRole;
    private final String imageFact;

    Round(String label, String snapshotFact, String sourceVolumeRole, String targetVolumeRole, String imageRole,
          String imageSnapshotRole, String imageFact) {
        this.label = label;
        this.snapshotFact = snapshotFact;
        this.sourceVolumeRole = sourceVolumeRole;
        this.targetVolumeRole = targetVolumeRole;
        this.imageRole = imageRole;
        this.imageSnapshotRole = imageSnapshotRole;
        this.imageFact = imageFact;
    }

    public String label() {
        return label;
    }

    /** The fact holding the snapshot of the source root this round converts. */
    public String snapshotFact() {
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

    public String imageFact() {
        return imageFact;
    }

    /** The fact naming the volume that holds the converted, bootable disk. */
    public String convertedVolumeFact() {
        return "aws.converted-volume." + label;
    }
}
