/**
 * Prepare: the trial's inputs while the source serves: snapshots of its data volumes, the trial
 * (or final) root snapshot on a scratch volume of the worker, and for DUAL_BOOT the live change of
 * the source after a pre-change snapshot. ({@code SnapshotRootStep}, the trial root snapshot, is
 * still in {@code ...steps}: it reads {@code SourceRef}, which another package owns.)
 *
 * <p>Facts produced: {@code AwsFacts.DATA_SNAPSHOT.of(volume)},
 * {@code AwsFacts.SNAPSHOT.of(Roles.PRE_CHANGE_SNAPSHOT)}, {@code AwsFacts.VOLUME.of(round's
 * scratch source role)}; DUAL_BOOT: {@code AwsFacts.SOURCE_CHANGED_LIVE} (presence),
 * {@code AwsFacts.STRATEGY}, {@code AwsFacts.GUEST_MOUNTS_ONCE}, {@code AwsFacts.GUEST_HAS_ENA}.
 *
 * <p>Facts consumed: {@code AwsFacts.SOURCE}, {@code AwsFacts.TRIAL_SNAPSHOT} /
 * {@code AwsFacts.FINAL_SNAPSHOT} (the round's), {@code AwsFacts.WORKER},
 * {@code AwsFacts.WORKER_LAUNCHED} (absent: false), {@code AwsFacts.SNAPSHOT.of(Roles.PRE_CHANGE_SNAPSHOT)}.
 */
package io.pv2hvm.aws.internal.steps.prepare;
