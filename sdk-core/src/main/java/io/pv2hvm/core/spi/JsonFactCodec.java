package io.pv2hvm.core.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.internal.Json;

import java.util.Objects;

/** The JSON half shared by every built-in {@link FactCodec}; each adds its 0.1 string form. */
abstract class JsonFactCodec<T> implements FactCodec<T> {
    private final JavaType type;

    JsonFactCodec(JavaType type) {
        this.type = type;
    }

    @Override
    public String toJson(T value) {
        return Json.write(Objects.requireNonNull(value, "a fact's value"));
    }

    @Override
    public T fromJson(String json) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new JournalException("Journaled fact is not a " + type.toCanonical() + ": " + json, e);
        }
    }
}
