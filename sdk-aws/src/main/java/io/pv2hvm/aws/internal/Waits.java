package io.pv2hvm.aws.internal;

import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.spi.StepContext;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Polls until a condition holds, through the step's cancellable sleep (so a cancelled
 * migration stops waiting at once) and with a deadline (so nothing waits forever). The first
 * looks come quickly and the gaps grow to the interval: short transitions (an attach, a
 * registration) are seen within a second or two, long ones cost few calls.
 */
public final class Waits {
    private final Duration interval;

    /** These waits with gaps {@code factor} times as long, for states that change slowly. */
    public Waits slower(int factor) {
        return new Waits(interval.multipliedBy(factor));
    }

    /** Polls at most every {@code interval}, starting at a fifth of it. */
    public Waits(Duration interval) {
        this.interval = interval;
    }

    /**
     * Returns the first non-empty value of {@code probe}, polling until {@code timeout}.
     *
     * @throws MigrationException (retryable) naming {@code what} when the deadline passes
     */
    public <T> T until(StepContext ctx, String what, Duration timeout, Supplier<Optional<T>> probe) {
        ctx.waitingFor(what); // a probe that knows more (a percentage, a state) says it on each look
        Instant deadline = ctx.clock().instant().plus(timeout);
        Duration gap = interval.dividedBy(5);
        try (WaitScope ignored = WaitScope.enter(ctx)) { // describes in the probe share the fleet's rounds
            while (true) {
                ctx.checkCancelled();
                Optional<T> value = probe.get();
                if (value.isPresent()) {
                    return value.get();
                }
                if (!ctx.clock().instant().isBefore(deadline)) {
                    throw new MigrationException("Timed out after " + timeout + " waiting for " + what
                            + ". Raise the timeout in AwsSteps.builder() if your account is slow here, and resume.",
                            null, true);
                }
                ctx.sleep(gap);
                gap = gap.multipliedBy(3).dividedBy(2);
                if (gap.compareTo(interval) > 0) {
                    gap = interval;
                }
            }
        }
    }

    /**
     * The first non-empty value of {@code probe} within {@code timeout}, or empty once it passed:
     * for callers to whom "not yet" and "not at all" lead to different decisions.
     */
    public <T> Optional<T> within(StepContext ctx, Duration timeout, Supplier<Optional<T>> probe) {
        Instant deadline = ctx.clock().instant().plus(timeout);
        Duration gap = interval.dividedBy(5);
        try (WaitScope ignored = WaitScope.enter(ctx)) {
            while (true) {
                ctx.checkCancelled();
                Optional<T> value = probe.get();
                if (value.isPresent() || !ctx.clock().instant().isBefore(deadline)) {
                    return value;
                }
                ctx.sleep(gap);
                gap = gap.multipliedBy(3).dividedBy(2);
                if (gap.compareTo(interval) > 0) {
                    gap = interval;
                }
            }
        }
    }

    /** Waits until {@code condition} is true. */
    public void untilTrue(StepContext ctx, String what, Duration timeout, Supplier<Boolean> condition) {
        until(ctx, what, timeout, () -> Boolean.TRUE.equals(condition.get()) ? Optional.of(Boolean.TRUE) : Optional.empty());
    }
}
