/**
 * Prepare: the trial's inputs while the source serves: snapshots of its data volumes, the trial
 * (or final) root snapshot on a scratch volume of the worker, and for DUAL_BOOT the live change of
 * the source after a pre-change snapshot; the worker ({@code LaunchWorkerStep}). Steps that also
 * run in a later phase live where they first run: {@code SnapshotRootStep} (the final snapshot in
 * CUTOVER; for DUAL_BOOT the trial one in CONVERT) and {@code AttachScratchVolumeStep} (the final
 * round in CUTOVER).
 *
 * <p>{@code LaunchWorkerStep}: produces {@code AwsFacts.WORKER}, {@code AwsFacts.WORKER_LAUNCHED},
 * {@code AwsFacts.WORKER_TERMINATED} (cleanup); consumes {@code AwsFacts.SOURCE}.
 * {@code SnapshotRootStep}: produces {@code AwsFacts.TRIAL_SNAPSHOT} / {@code AwsFacts.FINAL_SNAPSHOT},
 * {@code AwsFacts.SNAPSHOT.of(role)}; consumes {@code AwsFacts.SOURCE},
 * {@code AwsFacts.SOURCE_ROOT_CONVERTED}, {@code MigrationFacts.CURRENT_SOURCE_ID} and
 * {@code AwsFacts.SOURCE_TERMINATED} (compensation).
 *
 * <p>The other steps' facts produced: {@code AwsFacts.DATA_SNAPSHOT.of(volume)},
 * {@code AwsFacts.SNAPSHOT.of(Roles.PRE_CHANGE_SNAPSHOT)}, {@code AwsFacts.VOLUME.of(round's
 * scratch source role)}; DUAL_BOOT: {@code AwsFacts.SOURCE_CHANGED_LIVE} (presence),
 * {@code AwsFacts.STRATEGY}, {@code AwsFacts.GUEST_MOUNTS_ONCE}, {@code AwsFacts.GUEST_HAS_ENA}.
 *
 * <p>Facts consumed: {@code AwsFacts.SOURCE}, {@code AwsFacts.TRIAL_SNAPSHOT} /
 * {@code AwsFacts.FINAL_SNAPSHOT} (the round's), {@code AwsFacts.WORKER},
 * {@code AwsFacts.WORKER_LAUNCHED} (absent: false), {@code AwsFacts.SNAPSHOT.of(Roles.PRE_CHANGE_SNAPSHOT)}.
 */
package io.pv2hvm.aws.internal.steps.prepare;
