package io.pv2hvm.core.spi;

import com.fasterxml.jackson.databind.JavaType;
import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.internal.Json;

import java.util.Arrays;
import java.util.List;

/**
 * How a fact's value is written to the journal and read back: as JSON text, and as the plain
 * string journals of pv2hvm 0.1 held ({@code "true"}, {@code "a,b"}, {@code "123"}, an id, or JSON
 * inside a string), so a run started by 0.1 resumes.
 *
 * @param <T> the value's type
 */
public interface FactCodec<T> {

    /** The value as JSON text. */
    String toJson(T value);

    /** A value read back from {@link #toJson}. */
    T fromJson(String json);

    /** The value as 0.1 journaled it. */
    String toLegacy(T value);

    /** A value read back from a 0.1 journal's string. */
    T fromLegacy(String value);

    /** Plain text; 0.1 wrote it as is. */
    static FactCodec<String> string() {
        return new JsonFactCodec<>(Json.mapper().constructType(String.class)) {
            @Override
            public String toLegacy(String value) {
                return value;
            }

            @Override
            public String fromLegacy(String value) {
                return value;
            }
        };
    }

    /** A boolean; 0.1 wrote {@code "true"} or {@code "false"}. */
    static FactCodec<Boolean> bool() {
        return new JsonFactCodec<>(Json.mapper().constructType(Boolean.class)) {
            @Override
            public String toLegacy(Boolean value) {
                return value.toString();
            }

            @Override
            public Boolean fromLegacy(String value) {
                return Boolean.valueOf(value.strip());
            }
        };
    }

    /** A whole number; 0.1 wrote its decimal digits. */
    static FactCodec<Long> number() {
        return new JsonFactCodec<>(Json.mapper().constructType(Long.class)) {
            @Override
            public String toLegacy(Long value) {
                return value.toString();
            }

            @Override
            public Long fromLegacy(String value) {
                try {
                    return Long.valueOf(value.strip());
                } catch (NumberFormatException e) {
                    throw new JournalException("Journaled fact is not a number: '" + value + "'.", e);
                }
            }
        };
    }

    /** A list of strings none of which holds a comma; 0.1 joined them with commas (empty list: empty string). */
    static FactCodec<List<String>> strings() {
        return new JsonFactCodec<>(Json.mapper().getTypeFactory().constructCollectionType(List.class, String.class)) {
            @Override
            public String toLegacy(List<String> value) {
                for (String item : value) {
                    if (item.contains(",")) {
                        throw new IllegalArgumentException("A list fact's item may not contain a comma: '" + item + "'.");
                    }
                }
                return String.join(",", value);
            }

            @Override
            public List<String> fromLegacy(String value) {
                return value.isEmpty() ? List.of() : List.of(value.split(",", -1));
            }
        };
    }

    /** An enum constant by its name. */
    static <E extends Enum<E>> FactCodec<E> enumOf(Class<E> type) {
        return new JsonFactCodec<>(Json.mapper().constructType(type)) {
            @Override
            public String toLegacy(E value) {
                return value.name();
            }

            @Override
            public E fromLegacy(String value) {
                try {
                    return Enum.valueOf(type, value.strip());
                } catch (IllegalArgumentException e) {
                    throw new JournalException("Journaled fact '" + value + "' is none of "
                            + Arrays.toString(type.getEnumConstants()) + ".", e);
                }
            }
        };
    }

    /** A value Jackson maps (a record or a simple class); 0.1 wrote the same JSON inside a string. */
    static <T> FactCodec<T> json(Class<T> type) {
        return new JsonFactCodec<>(Json.mapper().constructType(type)) {
            @Override
            public String toLegacy(T value) {
                return toJson(value);
            }

            @Override
            public T fromLegacy(String value) {
                return fromJson(value);
            }
        };
    }
}
