package io.pv2hvm.core;

import java.time.Duration;

/**
 * How long one step took.
 *
 * @param step     the step's name
 * @param phase    its phase
 * @param took     wall time (of the run that completed it)
 * @param downtime whether it ran while the source was out of service
 * @param resumed  true if it completed in an earlier run and was skipped on resume
 */
public record StepTiming(String step, Phase phase, Duration took, boolean downtime, boolean resumed) {
}
