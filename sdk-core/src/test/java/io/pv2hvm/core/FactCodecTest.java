package io.pv2hvm.core;

import io.pv2hvm.core.spi.FactCodec;
import io.pv2hvm.core.spi.FactFamily;
import io.pv2hvm.core.spi.FactKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FactCodecTest {

    enum Color { RED, GREEN }

    record Volume(String id, int sizeGib, List<String> tags) {
    }

    @Test
    void everyCodec_roundTripsThroughJson_andThroughWhatOlderJournalsHeld() {
        roundTrip(FactCodec.string(), "i-0abc", "i-0abc");
        roundTrip(FactCodec.bool(), true, "true");
        roundTrip(FactCodec.number(), 1234L, "1234");
        roundTrip(FactCodec.strings(), List.of("10.0.0.5", "54.1.2.3"), "10.0.0.5,54.1.2.3");
        roundTrip(FactCodec.strings(), List.of(), "");
        roundTrip(FactCodec.enumOf(Color.class), Color.GREEN, "GREEN");
        roundTrip(FactCodec.json(Volume.class), new Volume("vol-1", 8, List.of("a")),
                "{\"id\":\"vol-1\",\"sizeGib\":8,\"tags\":[\"a\"]}");
    }

    @Test
    void jsonForms_areJson_notTheLegacyText() {
        assertThat(FactCodec.string().toJson("i-0abc")).isEqualTo("\"i-0abc\"");
        assertThat(FactCodec.strings().toJson(List.of("a", "b"))).isEqualTo("[\"a\",\"b\"]");
        assertThat(FactCodec.bool().toJson(false)).isEqualTo("false");
    }

    @Test
    void badJournalText_isAJournalException_namingTheValue() {
        assertThatThrownBy(() -> FactCodec.number().fromLegacy("12x")).isInstanceOf(JournalException.class)
                .hasMessageContaining("12x");
        assertThatThrownBy(() -> FactCodec.enumOf(Color.class).fromLegacy("BLUE")).isInstanceOf(JournalException.class)
                .hasMessageContaining("BLUE").hasMessageContaining("RED");
        assertThatThrownBy(() -> FactCodec.json(Volume.class).fromJson("{not json")).isInstanceOf(JournalException.class);
    }

    @Test
    void aListItemWithAComma_isRefused_becauseOlderReadersSplitOnCommas() {
        assertThatThrownBy(() -> FactCodec.strings().toLegacy(List.of("a,b"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a,b");
    }

    @Test
    void keys_areEqualByName_andFamiliesNameTheirSubject() {
        assertThat(FactKey.string("x.y")).isEqualTo(FactKey.string("x.y")).hasToString("x.y");
        assertThat(MigrationFacts.REPLACED_BY.of("vol-1").name()).isEqualTo("result.replaced-by.vol-1");
        assertThat(MigrationFacts.REPLACED_BY.subjectOf("result.replaced-by.vol-1")).contains("vol-1");
        assertThat(MigrationFacts.REPLACED_BY.subjectOf("result.new-image-id")).isEmpty();
        assertThatThrownBy(() -> FactKey.string(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FactFamily.of("p.", FactCodec.string()).of("")).isInstanceOf(IllegalArgumentException.class);
    }

    private static <T> void roundTrip(FactCodec<T> codec, T value, String legacy) {
        assertThat(codec.toLegacy(value)).isEqualTo(legacy);
        assertThat(codec.fromLegacy(legacy)).isEqualTo(value);
        assertThat(codec.fromJson(codec.toJson(value))).isEqualTo(value);
    }
}
