package io.pv2hvm.samples.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * What a conversion reads from and writes to EBS for a root volume of a given size whose
 * filesystem holds {@code used} bytes, per method, from the lab's conversion benchmark (sparse
 * ext4 images 20% full, sectors written and read from /sys/block/*&#47;stat, source and target
 * together) on the row of the same size. Between measured sizes the ratio to the used data is
 * interpolated on log2(size), beyond them the nearest row's is used; a row whose reads were not
 * measured yet takes the nearest measured row's read/written ratio. {@link #basis} says which.
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

    /** One method's MiB written and read on one image; read is NaN where it was not measured. */
    private record Io(double writtenMiB, double readMiB) {
        boolean readMeasured() {
            return !Double.isNaN(readMiB);
        }
    }

    /** One size's row of the conversion table. */
    private record Measured(int sizeGiB, double usedMiB, Io inPlace, Io partitionCopy, Io seeds) {
        Io io(Method m) {
            return switch (m) {
                case IN_PLACE -> inPlace;
                case PARTITION_COPY -> partitionCopy;
                case SEEDS_RECIPE -> seeds;
            };
        }

        double writtenPerUsed(Method m) {
            return io(m).writtenMiB() / usedMiB;
        }

        boolean readsMeasured() {
            return inPlace.readMeasured() && partitionCopy.readMeasured() && seeds.readMeasured();
        }
    }

    /**
     * BENCHMARKS.md, "Conversion" (rows IN_PLACE, "PARTITION_COPY, target +1 GiB", "seeds' recipe"):
     * MiB written from the table; MiB read from a run of the same benchmark with the read column
     * ({@code -Dbenchmark="2 8"}, 2026-12-05), 32 GiB not measured yet. Update from the regenerated table.
     */
    private static final List<Measured> MEASURED = List.of(
            new Measured(2, 431, new Io(0.5, 15.5), new Io(580.2, 613.0), new Io(972.5, 977.8)),
            new Measured(8, 1660, new Io(0.5, 15.5), new Io(2193.8, 2256.4), new Io(3484.7, 3490.7)),
            new Measured(32, 6575, new Io(0.5, Double.NaN), new Io(8645.7, Double.NaN), new Io(9165.3, Double.NaN)));

    /** The cost of {@code method} on a {@code sizeGiB} volume whose filesystem holds {@code usedBytes}. */
    public static ConversionCost of(Method method, int sizeGiB, long usedBytes) {
        if (method == Method.IN_PLACE) {
            // extlinux writes and reads the same small amounts whatever the size (every row)
            Io io = MEASURED.get(0).inPlace();
            return new ConversionCost((long) (io.readMiB() * MIB), (long) (io.writtenMiB() * MIB));
        }
        long written = (long) (ratio(sizeGiB, m -> m.writtenPerUsed(method)) * usedBytes);
        return new ConversionCost((long) (written * ratio(sizeGiB, m -> readPerWritten(m, method))), written);
    }

    /** Where the bytes for {@code sizeGiB} come from: measured rows, an interpolation or the nearest row. */
    public static String basis(int sizeGiB) {
        String written = rows(sizeGiB, m -> true);
        String read = rows(sizeGiB, Measured::readsMeasured);
        return "written: " + written + "; read: " + (read.equals(written) ? "the same" : read
                + " (read/written ratio)");
    }

    private static String rows(int sizeGiB, Predicate<Measured> usable) {
        List<Measured> rows = MEASURED.stream().filter(usable).toList();
        Measured first = rows.get(0);
        Measured last = rows.get(rows.size() - 1);
        if (rows.stream().anyMatch(m -> m.sizeGiB() == sizeGiB)) {
            return "measured (" + sizeGiB + " GiB row)";
        }
        if (sizeGiB < first.sizeGiB() || sizeGiB > last.sizeGiB()) {
            Measured nearest = sizeGiB < first.sizeGiB() ? first : last;
            return "extrapolated (the " + nearest.sizeGiB() + " GiB row, the nearest measured)";
        }
        Measured[] around = around(rows, sizeGiB);
        return String.format(Locale.ROOT, "interpolated between the %d and %d GiB rows", around[0].sizeGiB(),
                around[1].sizeGiB());
    }

    private static double readPerWritten(Measured m, Method method) {
        return m.io(method).readMiB() / m.io(method).writtenMiB();
    }

    /** {@code value} of the rows where it is defined, at {@code sizeGiB}: measured, interpolated on log2(size) or nearest. */
    private static double ratio(int sizeGiB, ToDoubleFunction<Measured> value) {
        List<Measured> rows = MEASURED.stream().filter(m -> !Double.isNaN(value.applyAsDouble(m))).toList();
        Measured first = rows.get(0);
        Measured last = rows.get(rows.size() - 1);
        if (sizeGiB <= first.sizeGiB()) {
            return value.applyAsDouble(first);
        }
        if (sizeGiB >= last.sizeGiB()) {
            return value.applyAsDouble(last);
        }
        Measured[] around = around(rows, sizeGiB);
        double t = (log2(sizeGiB) - log2(around[0].sizeGiB())) / (log2(around[1].sizeGiB()) - log2(around[0].sizeGiB()));
        double a = value.applyAsDouble(around[0]);
        return a + t * (value.applyAsDouble(around[1]) - a);
    }

    /** The rows either side of a size strictly inside their range. */
    private static Measured[] around(List<Measured> rows, int sizeGiB) {
        for (int i = 1; i < rows.size(); i++) {
            if (sizeGiB <= rows.get(i).sizeGiB()) {
                return new Measured[] {rows.get(i - 1), rows.get(i)};
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
