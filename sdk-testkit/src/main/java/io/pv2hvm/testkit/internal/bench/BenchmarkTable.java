package io.pv2hvm.testkit.internal.bench;

import io.pv2hvm.testkit.lab.SparsePvImage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The conversion benchmark's results as a markdown table, one row per image and method, with
 * each method's time, bytes written and bytes read as a ratio to {@link #BASELINE} on the same image.
 */
final class BenchmarkTable {
    /** The method the ratios divide by: the SDK's full copy, which every other method is compared with. */
    static final BenchmarkMethod BASELINE = BenchmarkMethod.PARTITION_COPY_SAME_SIZE;

    private static final double MIB = 1 << 20;

    /** One method's run on one image. */
    record Row(int gib, SparsePvImage image, BenchmarkMethod method, double seconds, long bytesWritten, long bytesRead) {
    }

    private final List<Row> rows = new ArrayList<>();

    void add(Row row) {
        rows.add(row);
    }

    /** The images measured, in order. */
    List<SparsePvImage> images() {
        return rows.stream().map(Row::image).distinct().toList();
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| image | on disk | used | method | seconds | time / baseline | MiB written | written / baseline | MiB read | read / baseline |\n");
        out.append("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            Row base = baselineOf(r);
            out.append(String.format(Locale.ROOT, "| %d GiB | %.0f MiB | %.0f MiB (%.1f%%) | %s | %.1f | %s | %.1f | %s | %.1f | %s |%n",
                    r.gib(), r.image().allocatedBytes() / MIB, r.image().usedBytes() / MIB, r.image().usedPercent(),
                    r.method().label(), r.seconds(), ratio(r.seconds(), base.seconds()),
                    r.bytesWritten() / MIB, ratio(r.bytesWritten(), base.bytesWritten()),
                    r.bytesRead() / MIB, ratio(r.bytesRead(), base.bytesRead())));
        }
        return out.toString();
    }

    private Row baselineOf(Row row) {
        return rows.stream().filter(r -> r.gib() == row.gib() && r.method() == BASELINE).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + BASELINE.label() + " run on the " + row.gib() + " GiB image"));
    }

    /** Two decimals, or two significant digits below 0.1 so a tiny ratio (IN_PLACE's bytes) does not print as 0.00. */
    private static String ratio(double value, double baseline) {
        if (baseline <= 0) {
            return "n/a";
        }
        double r = value / baseline;
        return r >= 0.1 || r == 0 ? String.format(Locale.ROOT, "%.2f", r)
                : new BigDecimal(r).round(new MathContext(2)).toPlainString();
    }
}
