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
        assertThat(ConversionCost.basis(32)).isEqualTo("measured (32 GiB row)");
    }

    @Test
    void sizesBetweenRowsAreInterpolated_andBeyondThemTakeTheNearestRow_andSaySo() {
        assertThat(ratio(Method.SEEDS_RECIPE, 16)).isCloseTo((3484.7 / 1660 + 9165.3 / 6575) / 2, within(0.001));
        assertThat(ConversionCost.basis(16)).isEqualTo("interpolated between the 8 and 32 GiB rows");
        assertThat(ratio(Method.SEEDS_RECIPE, 64)).isEqualTo(ratio(Method.SEEDS_RECIPE, 32));
        assertThat(ConversionCost.basis(64)).startsWith("extrapolated").contains("32 GiB row");
        assertThat(ConversionCost.basis(1)).startsWith("extrapolated").contains("2 GiB row");
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
