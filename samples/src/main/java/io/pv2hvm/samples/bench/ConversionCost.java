package io.pv2hvm.samples.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a conversion reads from and writes to EBS for a root volume of a given size whose
 * filesystem holds {@code used} bytes, per method. Bytes written are the lab's conversion
 * benchmark's measurements (BENCHMARKS.md, "Conversion": sparse ext4 images 20% full, sectors
 * written from /sys/block/*&#47;stat) on the row of the same size; between measured sizes the
 * ratio to the used data is interpolated on log2(size), beyond them the nearest row is used, and
 * {@link #basis} says which. Bytes read are assumed (the table has no read column yet): IN_PLACE
 * reads 16 MiB of metadata, PARTITION_COPY the used data once, the seeds' recipe twice
 * (resize2fs -M moves blocks, then dd reads the shrunk filesystem).
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
        /** New partitioned volume 1 GiB larger, used blocks copied, grown, GRUB installed. */
        PARTITION_COPY,
        /** The seeds' recipe: e2fsck, resize2fs -M, dd of the shrunk filesystem, resize2fs, GRUB. */
        SEEDS_RECIPE
    }

    /** One size's row of the conversion table: used MiB and MiB written per method. */
    private record Measured(int sizeGiB, double usedMiB, double inPlaceMiB, double partitionCopyMiB, double seedsMiB) {
        double writtenPerUsed(Method m) {
            return switch (m) {
                case IN_PLACE -> inPlaceMiB / usedMiB;
                case PARTITION_COPY -> partitionCopyMiB / usedMiB;
                case SEEDS_RECIPE -> seedsMiB / usedMiB;
            };
        }
    }

    /** BENCHMARKS.md, "Conversion": IN_PLACE, "PARTITION_COPY, target +1 GiB", "seeds' recipe". */
    private static final List<Measured> MEASURED = List.of(
            new Measured(2, 431, 0.5, 580.2, 972.5),
            new Measured(8, 1660, 0.5, 2193.8, 3484.7),
            new Measured(32, 6575, 0.5, 8645.7, 9165.3));

    /** The cost of {@code method} on a {@code sizeGiB} volume whose filesystem holds {@code usedBytes}. */
    public static ConversionCost of(Method method, int sizeGiB, long usedBytes) {
        return switch (method) {
            // extlinux writes the same half MiB whatever the size (all three rows)
            case IN_PLACE -> new ConversionCost(16 * MIB, MIB / 2);
            case PARTITION_COPY -> new ConversionCost(usedBytes, (long) (writtenPerUsed(method, sizeGiB) * usedBytes));
            case SEEDS_RECIPE -> new ConversionCost(2 * usedBytes, (long) (writtenPerUsed(method, sizeGiB) * usedBytes));
        };
    }

    /** Where the written bytes for {@code sizeGiB} come from: a measured row, an interpolation or the nearest row. */
    public static String basis(int sizeGiB) {
        Measured first = MEASURED.get(0);
        Measured last = MEASURED.get(MEASURED.size() - 1);
        for (Measured m : MEASURED) {
            if (m.sizeGiB() == sizeGiB) {
                return "measured (" + sizeGiB + " GiB row)";
            }
        }
        if (sizeGiB < first.sizeGiB() || sizeGiB > last.sizeGiB()) {
            Measured nearest = sizeGiB < first.sizeGiB() ? first : last;
            return "extrapolated (ratios of the " + nearest.sizeGiB() + " GiB row, the nearest measured)";
        }
        Measured[] around = around(sizeGiB);
        return String.format(Locale.ROOT, "interpolated between the %d and %d GiB rows", around[0].sizeGiB(),
                around[1].sizeGiB());
    }

    private static double writtenPerUsed(Method method, int sizeGiB) {
        Measured first = MEASURED.get(0);
        Measured last = MEASURED.get(MEASURED.size() - 1);
        if (sizeGiB <= first.sizeGiB()) {
            return first.writtenPerUsed(method);
        }
        if (sizeGiB >= last.sizeGiB()) {
            return last.writtenPerUsed(method);
        }
        Measured[] around = around(sizeGiB);
        double t = (log2(sizeGiB) - log2(around[0].sizeGiB())) / (log2(around[1].sizeGiB()) - log2(around[0].sizeGiB()));
        return around[0].writtenPerUsed(method) + t * (around[1].writtenPerUsed(method) - around[0].writtenPerUsed(method));
    }

    /** The measured rows either side of a size strictly inside the measured range. */
    private static Measured[] around(int sizeGiB) {
        for (int i = 1; i < MEASURED.size(); i++) {
            if (sizeGiB <= MEASURED.get(i).sizeGiB()) {
                return new Measured[] {MEASURED.get(i - 1), MEASURED.get(i)};
            }
        }
        throw new IllegalArgumentException("outside the measured sizes: " + sizeGiB);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** The EC2 time the I/O takes reading at {@code readMiBPerSecond} and writing at {@code writeMiBPerSecond}. */
    public Duration at(double readMiBPerSecond, double writeMiBPerSecond) {
        double seconds = readBytes / (double) MIB / readMiBPerSecond + writtenBytes / (double) MIB / writeMiBPerSecond;
        return Duration.ofNanos((long) (seconds * 1e9));
    }
}
