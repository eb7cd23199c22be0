/**
 * Convert: reads the guest on the worker's scratch volumes: its data volumes' filesystems, and an
 * inspection of what would block a conversion, and the conversion itself ({@code ConvertStep}, which
 * also runs the final round in CUTOVER).
 *
 * <p>{@code ConvertStep}: produces {@code AwsFacts.STRATEGY}, {@code AwsFacts.CONVERSION_RECIPE},
 * {@code AwsFacts.GUEST_HAS_ENA}, {@code AwsFacts.GUEST_MOUNTS_ONCE}, {@code round.convertedVolumeKey()},
 * {@code AwsFacts.VOLUME.of(round.targetVolumeRole())} (PARTITION_COPY), the target-type facts when
 * it falls back to a Xen type; consumes {@code AwsFacts.SOURCE}, {@code AwsFacts.WORKER},
 * {@code AwsFacts.VOLUME.of(round.sourceVolumeRole())}, {@code AwsFacts.SOURCE_ROOT_ON_WORKER},
 * {@code AwsFacts.TRIAL_SNAPSHOT}, {@code AwsFacts.TARGET_NITRO},
 * {@code MigrationFacts.TARGET_INSTANCE_TYPE}.
 *
 * <p>The other steps' facts produced: {@code AwsFacts.DATA_FILESYSTEMS.of(volume)}, {@code AwsFacts.VOLUME.of(copy
 * key)}; {@code AwsFacts.GUEST_INSPECTION} (read by {@code GuestInspection}).
 *
 * <p>Facts consumed: {@code AwsFacts.SOURCE}, {@code AwsFacts.DATA_SNAPSHOT.of(volume)},
 * {@code AwsFacts.VOLUME.of(Round.TRIAL.sourceVolumeRole())}, {@code AwsFacts.TARGET_NITRO}
 * (absent: false), {@code AwsFacts.WORKER}, {@code AwsFacts.WORKER_LAUNCHED} (absent: false).
 */
package io.pv2hvm.aws.internal.steps.convert;
