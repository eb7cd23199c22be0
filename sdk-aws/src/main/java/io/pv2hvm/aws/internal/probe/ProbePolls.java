package io.pv2hvm.aws.internal.probe;

import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.spi.Sleeper;

import java.time.Clock;
import java.time.Instant;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The latency probe's polling: the schedule of the SDK's own waits ({@code Waits}: the first look
 * after a fifth of the interval, gaps growing by half up to the interval), on an injected clock and
 * sleeper (a test's manual clock, else the system's), returning when each condition was first seen true. A sample is late by at most one gap, the
 * interval: the probe's resolution.
 */
public final class ProbePolls {
    private final Duration interval;
    private final Clock clock;
    private final Sleeper sleeper;

    /** Polls at most every {@code interval}, reading {@code clock} and waiting with {@code sleeper}. */
    public ProbePolls(Duration interval, Clock clock, Sleeper sleeper) {
        this.interval = interval;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** The longest gap between two looks (real time). */
    public Duration interval() {
        return interval;
    }

    /** Nanoseconds on the clock every sample is read from. */
    public long now() {
        return Duration.between(Instant.EPOCH, clock.instant()).toNanos();
    }

    /**
     * Polls until {@code condition} holds; returns {@link #now()} at the look that saw it.
     *
     * @throws MigrationException when {@code timeout} passes first, or the thread is interrupted (Ctrl-C)
     */
    public long until(String what, Duration timeout, BooleanSupplier condition) {
        return untilAll(what, timeout, Map.of(what, condition)).get(what);
    }

    /** Polls every condition in each round until all held; returns when each was first seen true. */
    public Map<String, Long> untilAll(String what, Duration timeout, Map<String, BooleanSupplier> conditions) {
        Map<String, Long> seen = new LinkedHashMap<>();
        long deadline = now() + timeout.toNanos();
        Duration gap = interval.dividedBy(5);
        while (true) {
            for (Map.Entry<String, BooleanSupplier> c : conditions.entrySet()) {
                if (!seen.containsKey(c.getKey()) && c.getValue().getAsBoolean()) {
                    seen.put(c.getKey(), now());
                }
            }
            if (seen.size() == conditions.size()) {
                return seen;
            }
            if (now() - deadline >= 0) {
                throw new MigrationException("Timed out after " + timeout + " waiting for " + what + "; seen so far: "
                        + seen.keySet() + ".", null, true);
            }
            pause(gap);
            gap = gap.multipliedBy(3).dividedBy(2);
            if (gap.compareTo(interval) > 0) {
                gap = interval;
            }
        }
    }

    /** Sleeps; an interrupt (Ctrl-C, {@code cancel()}) becomes a failure that sends the probe to its cleanup. */
    public void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            throw new MigrationException("The latency probe was interrupted; it deletes what it created.", e, false);
        }
    }
}
