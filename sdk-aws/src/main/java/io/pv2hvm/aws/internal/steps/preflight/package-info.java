/**
 * Preflight: reads the source and the target type and refuses, with a fix each, what would not
 * migrate. Writes nothing in EC2.
 *
 * <p>Facts produced: {@code AwsFacts.SOURCE}, {@code MigrationFacts.IPS_BEFORE},
 * {@code MigrationFacts.VIRTUALIZATION_BEFORE}, {@code MigrationFacts.TARGET_INSTANCE_TYPE},
 * {@code AwsFacts.TARGET_NITRO}, {@code AwsFacts.TARGET_ENA_REQUIRED},
 * {@code AwsFacts.TARGET_EBS_OPTIMIZED}, {@code AwsFacts.TARGET_CPU_CREDITS} ({@code ""}: none).
 *
 * <p>Facts consumed: none (the run's options only).
 */
package io.pv2hvm.aws.internal.steps.preflight;
