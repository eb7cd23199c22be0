package io.pv2hvm.testkit.internal.model;

import java.time.Instant;

/** Text a guest printed to its serial console, and when: a boot prints the kernel first, services later. */
public record ConsoleStage(Instant printedAt, String text) {
}
