/**
 * Cutover, the downtime window: stop the source, convert its final state, launch the HVM instance
 * with the source's IPs, volumes, interfaces and addresses, and wait until it serves. Helpers used
 * only here: {@code ElasticIps}, {@code SourceDestCheck}.
 *
 * <p>{@code StopSourceStep}: produces {@code AwsFacts.SOURCE_WAS_RUNNING}; consumes
 * {@code MigrationFacts.CURRENT_SOURCE_ID}, {@code AwsFacts.SOURCE_TERMINATED}.
 *
 * <p>{@code MoveDataVolumesStep} and {@code MoveSecondaryInterfacesStep} (from the source, to the new
 * instance): produce none; consume {@code AwsFacts.SOURCE}, {@code AwsFacts.NEW_INSTANCE},
 * {@code MigrationFacts.CURRENT_SOURCE_ID}, {@code AwsFacts.SOURCE_TERMINATED}.
 *
 * <p>{@code MoveSourceRootStep} (kept IPs): produces {@code AwsFacts.SOURCE_ROOT_ON_WORKER},
 * {@code AwsFacts.SOURCE_ROOT_CONVERTED} (set by the final conversion's first write),
 * {@code AwsFacts.RESTORED_SOURCE_ROOT} (compensation), {@code AwsFacts.SOURCE_ROOT_OFF_WORKER} (cleanup); consumes {@code AwsFacts.SOURCE},
 * {@code AwsFacts.WORKER}, {@code AwsFacts.FINAL_SNAPSHOT}, {@code AwsFacts.WORKER_TERMINATED}
 * (cleanup), {@code MigrationFacts.CURRENT_SOURCE_ID}, {@code AwsFacts.SOURCE_TERMINATED}.
 *
 * <p>{@code SnapshotConvertedStep}: produces {@code AwsFacts.SNAPSHOT.of(Round.FINAL.imageSnapshotRole())};
 * consumes {@code Round.FINAL.convertedVolumeKey()}, {@code AwsFacts.HVM_IMAGE} (compensation).
 *
 * <p>{@code BackupImageStep}: produces {@code AwsFacts.BACKUP_IMAGE}, {@code MigrationFacts.BACKUP_IMAGE_ID};
 * consumes {@code AwsFacts.SOURCE}, {@code AwsFacts.FINAL_SNAPSHOT}, {@code MigrationFacts.CURRENT_SOURCE_ID},
 * {@code AwsFacts.SOURCE_TERMINATED}.
 *
 * <p>{@code TerminateSourceStep} (kept IPs): produces {@code AwsFacts.SOURCE_TERMINATION_STARTED},
 * {@code AwsFacts.SOURCE_TERMINATED}, {@code MigrationFacts.CURRENT_SOURCE_ID} and
 * {@code AwsFacts.REREGISTERED_BACKUP_IMAGE} (compensation: the relaunched source); consumes
 * {@code AwsFacts.SOURCE}, {@code AwsFacts.TRIAL_VERIFIED}, {@code AwsFacts.BACKUP_IMAGE},
 * {@code AwsFacts.FINAL_SNAPSHOT}.
 *
 * <p>{@code LaunchHvmInstanceStep}: produces {@code AwsFacts.NEW_INSTANCE},
 * {@code AwsFacts.NEW_INSTANCE_QUARANTINED}, {@code MigrationFacts.NEW_INSTANCE_ID},
 * {@code MigrationFacts.REPLACED_BY.of(source)}; consumes {@code AwsFacts.SOURCE},
 * {@code AwsFacts.HVM_IMAGE}, {@code MigrationFacts.TARGET_INSTANCE_TYPE},
 * {@code AwsFacts.TARGET_EBS_OPTIMIZED}, {@code AwsFacts.TARGET_CPU_CREDITS},
 * {@code AwsFacts.TRIAL_SECURITY_GROUP}, {@code MigrationFacts.CURRENT_SOURCE_ID},
 * {@code AwsFacts.SOURCE_TERMINATED}.
 *
 * <p>{@code HoldForDataVolumesStep} (stop, release): produce none; consume {@code AwsFacts.SOURCE},
 * {@code AwsFacts.NEW_INSTANCE}, {@code AwsFacts.GUEST_MOUNTS_ONCE}.
 *
 * <p>{@code AssociateElasticIpsStep}: produces none; consumes
 * {@code AwsFacts.NEW_INSTANCE}, {@code MigrationFacts.CURRENT_SOURCE_ID}, {@code AwsFacts.SOURCE_TERMINATED}.
 *
 * <p>{@code ReleaseQuarantineStep}: produces none; consumes {@code AwsFacts.SOURCE},
 * {@code AwsFacts.NEW_INSTANCE}, {@code AwsFacts.NEW_INSTANCE_QUARANTINED}.
 *
 * <p>{@code AwaitBootStep}: produces none; consumes {@code AwsFacts.NEW_INSTANCE},
 * {@code AwsFacts.TARGET_NITRO} (absent: false).
 */
package io.pv2hvm.aws.internal.steps.cutover;
