/**
 * Verify: the trial instance proves the image boots while the source still serves; then what the
 * window will need is made ready before it opens.
 *
 * <p>{@code TrialSecurityGroupStep}: produces {@code AwsFacts.TRIAL_SECURITY_GROUP}; consumes
 * {@code AwsFacts.SOURCE}, {@code AwsFacts.WORKER}.
 *
 * <p>{@code VerifyTrialStep}: produces {@code AwsFacts.TRIAL_INSTANCE},
 * {@code AwsFacts.TRIAL_VERIFIED}; consumes {@code AwsFacts.SOURCE}, {@code AwsFacts.TRIAL_IMAGE},
 * {@code AwsFacts.TRIAL_SECURITY_GROUP}, {@code AwsFacts.DATA_SNAPSHOT.of(volume)},
 * {@code MigrationFacts.TARGET_INSTANCE_TYPE}, {@code AwsFacts.TARGET_NITRO} (absent: false).
 *
 * <p>{@code ProtectVolumesStep} (kept IPs only): produces none; consumes {@code AwsFacts.SOURCE},
 * {@code MigrationFacts.CURRENT_SOURCE_ID}, {@code AwsFacts.SOURCE_TERMINATED}.
 *
 * <p>{@code PrepareFinalTargetStep}: produces {@code AwsFacts.VOLUME.of(Round.FINAL.targetVolumeRole())}
 * (PARTITION_COPY only); consumes {@code AwsFacts.STRATEGY}, {@code AwsFacts.SOURCE},
 * {@code AwsFacts.WORKER}, {@code AwsFacts.WORKER_LAUNCHED} (absent: false).
 */
package io.pv2hvm.aws.internal.steps.verify;
