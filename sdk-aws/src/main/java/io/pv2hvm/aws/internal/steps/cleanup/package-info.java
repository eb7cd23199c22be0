/**
 * Cleanup, after the steps' own cleanup hooks deleted the temporaries each journaled.
 *
 * <p>{@code CleanupStep}: the tag sweep for temporaries a crash left unjournaled, the kept-root
 * warnings. Produces {@code MigrationFacts.API_CALLS}; consumes {@code AwsFacts.SOURCE},
 * {@code AwsFacts.SOURCE_TERMINATED}, {@code AwsFacts.SOURCE_ROOT_CONVERTED} (presence).
 */
package io.pv2hvm.aws.internal.steps.cleanup;
