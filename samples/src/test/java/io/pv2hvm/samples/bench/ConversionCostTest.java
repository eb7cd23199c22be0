package io.pv2hvm.samples.bench;

import io.pv2hvm.samples.bench.ConversionCost.Method;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Conversion bytes follow the conversion benchmark's row for the volume's size (BENCHMARKS.md, "Conversion"). */
class ConversionCostTest {
    private static final long USED = 1000L << 20;

    @Test
    void eachMeasuredSizeUsesItsOwnRow() {
        // seeds' recipe: 3484.7 / 1660 MiB at 8 GiB, 9165.3 / 6575 MiB at 32 GiB
        assertThat(ratio(Method.SEEDS_RECIPE, 8)).isCloseTo(3484.7 / 1660, within(0.001));
        assertThat(ratio(Method.SEEDS_RECIPE, 32)).isCloseTo(9165.3 / 6575, within(0.001));
        assertThat(ratio(Method.PARTITION_COPY, 2)).isCloseTo(580.2 / 431, within(0.001));
        assertThat(ConversionCost.of(Method.IN_PLACE, 32, USED).writtenBytes()).isEqualTo(512 << 10);
        // reads: 3490.7 MiB for 3484.7 written at 8 GiB
        assertThat(ConversionCost.of(Method.SEEDS_RECIPE, 8, USED).readBytes() / (double) USED)
                .isCloseTo(3490.7 / 1660, within(0.001));
        assertThat(ConversionCost.basis(8)).isEqualTo("written: measured (8 GiB row); read: the same");
    }

    @Test
    void aRowWithoutReads_takesTheNearestMeasuredReadToWrittenRatio_andSaysSo() {
        ConversionCost at32 = ConversionCost.of(Method.PARTITION_COPY, 32, USED);
        assertThat(at32.readBytes() / (double) at32.writtenBytes()).isCloseTo(2256.4 / 2193.8, within(0.001));
        assertThat(ConversionCost.basis(32)).isEqualTo("written: measured (32 GiB row); read: extrapolated (the 8 GiB"
                + " row, the nearest measured) (read/written ratio)");
    }

    @Test
    void sizesBetweenRowsAreInterpolated_andBeyondThemTakeTheNearestRow_andSaySo() {
        assertThat(ratio(Method.SEEDS_RECIPE, 16)).isCloseTo((3484.7 / 1660 + 9165.3 / 6575) / 2, within(0.001));
        assertThat(ConversionCost.basis(16)).startsWith("written: interpolated between the 8 and 32 GiB rows");
        assertThat(ratio(Method.SEEDS_RECIPE, 64)).isEqualTo(ratio(Method.SEEDS_RECIPE, 32));
        assertThat(ConversionCost.basis(64)).startsWith("written: extrapolated (the 32 GiB row");
        assertThat(ConversionCost.basis(1)).isEqualTo("written: extrapolated (the 2 GiB row, the nearest measured); read: the same");
    }

    @Test
    void readsAndWritesTakeTheirOwnRates() {
        ConversionCost cost = new ConversionCost(100L << 20, 200L << 20);
        assertThat(cost.at(100, 100).toMillis()).isEqualTo(3000);
        assertThat(cost.at(10, 100).toMillis()).isEqualTo(12000);
    }

    private static double ratio(Method m, int sizeGiB) {
        return ConversionCost.of(m, sizeGiB, USED).writtenBytes() / (double) USED;
    }
}
