/**
 * The guest conversion benchmark ({@code -Dbenchmark="2 8 32"} on sdk-testkit's package phase):
 * a tool of this project's own, run from Maven, not part of the testkit's API. No compatibility promise.
 */
package io.pv2hvm.testkit.internal.bench;
