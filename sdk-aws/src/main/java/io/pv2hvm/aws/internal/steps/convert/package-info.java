/**
 * Convert: reads the guest on the worker's scratch volumes: its data volumes' filesystems, and an
 * inspection of what would block a conversion. ({@code ConvertStep} is still in {@code ...steps}:
 * it calls {@code MoveSourceRootStep}, which another package owns.)
 *
 * <p>Facts produced: {@code AwsFacts.DATA_FILESYSTEMS.of(volume)}, {@code AwsFacts.VOLUME.of(copy
 * key)}; {@code AwsFacts.GUEST_INSPECTION} (read by {@code GuestInspection}).
 *
 * <p>Facts consumed: {@code AwsFacts.SOURCE}, {@code AwsFacts.DATA_SNAPSHOT.of(volume)},
 * {@code AwsFacts.VOLUME.of(Round.TRIAL.sourceVolumeRole())}, {@code AwsFacts.TARGET_NITRO}
 * (absent: false), {@code AwsFacts.WORKER}, {@code AwsFacts.WORKER_LAUNCHED} (absent: false).
 */
package io.pv2hvm.aws.internal.steps.convert;
