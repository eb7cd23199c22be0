package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.spi.FactKey;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How facts are journaled. A FACT entry's data is {@code {"key", "value", "json"}}: {@code json}
 * is the typed value as JSON (what typed readers decode), {@code value} the plain text pv2hvm
 * 0.1 wrote ("true", "a,b", an id). Both are written: older pv2hvm versions read {@code value},
 * and so does the raw text view {@code MigrationResult.facts()}; reading accepts either, so 0.1
 * journals resume unchanged.
 */
final class JournalFormat {
    /** Typed puts also write {@code json}; off, the journal is exactly 0.1's. */
    static final boolean WRITE_JSON = true;

    /**
     * Typed puts also write the legacy {@code value}. The result's raw view needs it: decoding
     * {@code json} needs the key's codec, which {@code MigrationResult.facts()} does not have.
     */
    static final boolean WRITE_LEGACY_VALUE = true;

    /** The option, in MIGRATION_STARTED's data, that names the format; not a spec option. */
    static final String VERSION_OPTION = "journalFormat";

    /**
     * This format. A pv2hvm that predates it refuses to resume such a journal (its own options lack
     * the key, and a resume must not change options), rather than misreading facts.
     */
    static final String VERSION = "2";

    private JournalFormat() {
    }

    /** The data of a FACT entry for a typed put. */
    static <T> Map<String, String> factData(FactKey<T> key, T value) {
        Objects.requireNonNull(value, () -> "fact " + key.name() + " needs a value");
        Map<String, String> data = new LinkedHashMap<>();
        data.put("key", key.name());
        if (!WRITE_JSON || WRITE_LEGACY_VALUE) {
            data.put("value", key.codec().toLegacy(value));
        }
        if (WRITE_JSON) {
            data.put("json", key.codec().toJson(value));
        }
        return data;
    }

    /** The options journaled by MIGRATION_STARTED: the spec's, plus this format's marker. */
    static Map<String, String> startedData(Map<String, String> specOptions) {
        Map<String, String> data = new LinkedHashMap<>(specOptions);
        if (WRITE_JSON) {
            data.put(VERSION_OPTION, VERSION);
        }
        return data;
    }
}
