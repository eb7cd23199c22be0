package io.pv2hvm.samples.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The sandbox's downtime window taken apart by time scale: local work (QEMU boots, the conversion on
 * loop devices) takes real seconds, while the emulator runs EC2's latencies at a time scale. The rest
 * of the window (EC2 waits and API calls) is scaled back to EC2 time, so the window can also be told
 * at EC2's pace throughout. An EC2 wait that ran while local work did (the emulator's boot latency
 * while QEMU boots) counts as local work.
 *
 * @param window    the window, real time
 * @param localWork the part of it this machine spent on local work (overlapping work counted once)
 * @param timeScale the emulator's time scale (EC2 seconds last this many real seconds)
 */
public record DowntimeSplit(Duration window, Duration localWork, double timeScale) {
    /** Validates the parts. */
    public DowntimeSplit {
        if (!(timeScale > 0) || localWork.compareTo(window) > 0 || localWork.isNegative()) {
            throw new IllegalArgumentException("local work " + localWork + " must be within the window " + window
                    + " and the time scale positive: " + timeScale);
        }
    }

    /**
     * The split of the window {@code [start, end]} (nanosecond ticks) given local work {@code intervals}
     * ({start, end} pairs, possibly overlapping each other or the window's edges).
     */
    public static DowntimeSplit of(long start, long end, List<long[]> intervals, double timeScale) {
        List<long[]> clipped = new ArrayList<>();
        for (long[] i : intervals) {
            long s = Math.max(start, i[0]);
            long e = Math.min(end, i[1]);
            if (e > s) {
                clipped.add(new long[] {s, e});
            }
        }
        clipped.sort(Comparator.comparingLong(i -> i[0]));
        long local = 0;
        long runStart = -1;
        long runEnd = -1;
        for (long[] i : clipped) {
            if (runStart < 0 || i[0] > runEnd) {
                local += runEnd - runStart;
                runStart = i[0];
                runEnd = i[1];
            } else {
                runEnd = Math.max(runEnd, i[1]);
            }
        }
        local += runEnd - runStart;
        return new DowntimeSplit(Duration.ofNanos(end - start), Duration.ofNanos(local), timeScale);
    }

    /** The window minus local work: EC2 waits and API calls, real time. */
    public Duration ec2Real() {
        return window.minus(localWork);
    }

    /** {@link #ec2Real()} in EC2's time (divided by the time scale). */
    public Duration ec2Time() {
        return Duration.ofNanos((long) (ec2Real().toNanos() / timeScale));
    }

    /** The window at EC2's pace throughout: local work as measured here plus EC2 time. */
    public Duration atEc2Pace() {
        return localWork.plus(ec2Time());
    }

    /** Two lines for the sandbox's output. */
    public String toText() {
        return String.format(Locale.ROOT, "downtime window %s real = local work %s (QEMU boots, conversion on loop"
                        + " devices: real seconds) + EC2 waits and API calls %s real (%s of EC2 time at time scale %s)%n"
                        + "  at EC2's pace throughout: about %s (local work as here + EC2 time; on AWS the worker's"
                        + " disks and the boot differ)%n",
                s(window), s(localWork), s(ec2Real()), s(ec2Time()), timeScale, s(atEc2Pace()));
    }

    private static String s(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }
}
