package io.pv2hvm.samples.bench;

import java.time.Duration;

/**
 * What a conversion reads from and writes to EBS for a root filesystem holding {@code used}
 * bytes, per method. The ratios are the ones the lab's conversion benchmark measured on real
 * 8 GiB ext4 images 20% full (BENCHMARKS.md, "Conversion"): IN_PLACE writes 0.5 MiB whatever the
 * size, PARTITION_COPY to its 1 GiB larger target 1.3 times the used data (the data and the
 * inode tables), and the seeds' recipe 2.1 times (resize2fs -M moves blocks, then dd copies the
 * shrunk filesystem whole).
 *
 * @param readBytes    bytes read from the source volume
 * @param writtenBytes bytes written to the volume that becomes the image
 */
public record ConversionCost(long readBytes, long writtenBytes) {
    private static final long MIB = 1L << 20;

    /** The methods compared. */
    public enum Method {
        /** extlinux in the filesystem's boot sector: reads the metadata it inspects, writes the loader. */
        IN_PLACE,
        /** New partitioned volume, used blocks copied, grown, GRUB installed. */
        PARTITION_COPY,
        /** The seeds' recipe: e2fsck, resize2fs -M, dd of the shrunk filesystem, resize2fs, GRUB. */
        SEEDS_RECIPE
    }

    /** The cost of {@code method} for a filesystem holding {@code usedBytes}. */
    public static ConversionCost of(Method method, long usedBytes) {
        return switch (method) {
            case IN_PLACE -> new ConversionCost(16 * MIB, MIB);
            case PARTITION_COPY -> new ConversionCost(usedBytes, (long) (1.3 * usedBytes));
            case SEEDS_RECIPE -> new ConversionCost(2 * usedBytes, (long) (2.1 * usedBytes));
        };
    }

    /** The EC2 time the I/O takes at {@code mibPerSecond} (reads and writes share the volume's throughput). */
    public Duration at(double mibPerSecond) {
        double seconds = (readBytes + writtenBytes) / (double) MIB / mibPerSecond;
        return Duration.ofNanos((long) (seconds * 1e9));
    }
}
