package io.pv2hvm.samples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * What a run cost this JVM: the peak heap in use (the sum of the heap pools' peaks, reset at the
 * start), the heap still used after a GC at the end, the peak number of live threads (reset at the
 * start), and the process's CPU time. Everything in this JVM counts, the emulator included.
 */
public final class Footprint {
    private final long cpuStart;

    private Footprint() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        ManagementFactory.getThreadMXBean().resetPeakThreadCount();
        this.cpuStart = processCpuNanos();
    }

    /** Starts measuring: collects garbage and resets the peaks. */
    public static Footprint start() {
        return new Footprint();
    }

    /**
     * What the run cost so far.
     *
     * @param peakHeapBytes      the most heap in use at once
     * @param heapAfterGcBytes   heap still in use after a GC at the end
     * @param peakThreads        the most live threads at once
     * @param cpu                CPU time of the whole process (all threads)
     */
    public record Measured(long peakHeapBytes, long heapAfterGcBytes, int peakThreads, Duration cpu) {
    }

    /** Stops measuring. */
    public Measured stop() {
        long cpu = processCpuNanos() - cpuStart;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.getPeakUsage() != null)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        int peakThreads = threads.getPeakThreadCount();
        System.gc();
        long afterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Measured(peakHeap, afterGc, peakThreads, Duration.ofNanos(Math.max(0, cpu)));
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
