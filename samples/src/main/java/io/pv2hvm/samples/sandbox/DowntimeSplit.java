package io.pv2hvm.samples.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The sandbox's downtime window taken apart by time scale. Local work (QEMU boots, the conversion on
 * loop devices) and the API calls themselves take real seconds; only the waits between polls stand
 * for EC2's latencies, which the emulator runs at a time scale, so only they are scaled back to EC2
 * time. The window can then also be told at EC2's pace throughout. An EC2 wait that ran while local
 * work did (the emulator's boot latency while QEMU boots) counts as local work.
 *
 * @param window    the window, real time
 * @param localWork the part of it this machine spent on local work (overlapping work counted once)
 * @param apiCalls  the part spent in API calls while no local work ran
 * @param timeScale the emulator's time scale (EC2 seconds last this many real seconds)
 */
public record DowntimeSplit(Duration window, Duration localWork, Duration apiCalls, double timeScale) {
    /** Validates the parts. */
    public DowntimeSplit {
        if (!(timeScale > 0) || localWork.isNegative() || apiCalls.isNegative()
                || localWork.plus(apiCalls).compareTo(window) > 0) {
            throw new IllegalArgumentException("local work " + localWork + " and API calls " + apiCalls
                    + " must fit in the window " + window + " and the time scale be positive: " + timeScale);
        }
    }

    /**
     * The split of the window {@code [start, end]} (nanosecond ticks) given local work and API call
     * intervals ({start, end} pairs, possibly overlapping each other or the window's edges).
     */
    public static DowntimeSplit of(long start, long end, List<long[]> localWork, List<long[]> apiCalls,
                                   double timeScale) {
        long local = covered(start, end, localWork);
        List<long[]> both = new ArrayList<>(localWork);
        both.addAll(apiCalls);
        long calls = covered(start, end, both) - local;
        return new DowntimeSplit(Duration.ofNanos(end - start), Duration.ofNanos(local), Duration.ofNanos(calls),
                timeScale);
    }

    /** How much of {@code [start, end]} the intervals cover, each instant once. */
    private static long covered(long start, long end, List<long[]> intervals) {
        List<long[]> clipped = new ArrayList<>();
        for (long[] i : intervals) {
            long s = Math.max(start, i[0]);
            long e = Math.min(end, i[1]);
            if (e > s) {
                clipped.add(new long[] {s, e});
            }
        }
        clipped.sort(Comparator.comparingLong(i -> i[0]));
        long total = 0;
        long runStart = -1;
        long runEnd = -1;
        for (long[] i : clipped) {
            if (runStart < 0 || i[0] > runEnd) {
                total += runEnd - runStart;
                runStart = i[0];
                runEnd = i[1];
            } else {
                runEnd = Math.max(runEnd, i[1]);
            }
        }
        return total + runEnd - runStart;
    }

    /** The waits between polls: the window minus local work and API calls, real time. */
    public Duration waitsReal() {
        return window.minus(localWork).minus(apiCalls);
    }

    /** {@link #waitsReal()} in EC2's time (divided by the time scale): the EC2 latencies waited out. */
    public Duration waitsEc2() {
        return Duration.ofNanos((long) (waitsReal().toNanos() / timeScale));
    }

    /** The window at EC2's pace throughout: local work and API calls as here, plus the waits in EC2 time. */
    public Duration atEc2Pace() {
        return localWork.plus(apiCalls).plus(waitsEc2());
    }

    /** Two lines for the sandbox's output. */
    public String toText() {
        return String.format(Locale.ROOT, "downtime window %s real = local work %s (QEMU boots, conversion on loop"
                        + " devices) + API calls %s + waits between polls %s, all real seconds; the waits stand for %s"
                        + " of EC2 time at time scale %s%n"
                        + "  at EC2's pace throughout: about %s (local work and calls as here + the waits in EC2 time;"
                        + " on AWS the worker's disks and the boot differ)%n",
                s(window), s(localWork), s(apiCalls), s(waitsReal()), s(waitsEc2()), timeScale, s(atEc2Pace()));
    }

    private static String s(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }
}
