/**
 * Confirm: the new instance's status checks and console scan; a failure here still rolls back.
 *
 * <p>{@code VerifyNewInstanceStep}: produces {@code MigrationFacts.IPS_AFTER},
 * {@code MigrationFacts.VIRTUALIZATION_AFTER}; consumes {@code AwsFacts.SOURCE},
 * {@code AwsFacts.NEW_INSTANCE}, {@code AwsFacts.TARGET_NITRO} (absent: false).
 */
package io.pv2hvm.aws.internal.steps.confirm;
