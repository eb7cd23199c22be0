/**
 * Register: the converted volume's snapshot registered as an HVM image. The same step registers
 * the final round's image inside the cutover.
 *
 * <p>{@code RegisterImageStep} (trial round; the final round in CUTOVER). Produces
 * {@code AwsFacts.SNAPSHOT.of(round's image snapshot role)}, {@code round.imageKey()}
 * ({@code AwsFacts.TRIAL_IMAGE} / {@code AwsFacts.HVM_IMAGE}); final round:
 * {@code MigrationFacts.NEW_IMAGE_ID}. Consumes {@code round.convertedVolumeKey()} (from a
 * source snapshot instead: {@code AwsFacts.TRIAL_SNAPSHOT} / {@code AwsFacts.FINAL_SNAPSHOT} and
 * {@code AwsFacts.SOURCE}), {@code AwsFacts.GUEST_HAS_ENA} (absent: false),
 * {@code MigrationFacts.CURRENT_SOURCE_ID} and {@code AwsFacts.SOURCE_TERMINATED} (compensation).
 */
package io.pv2hvm.aws.internal.steps.register;
