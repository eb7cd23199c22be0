package io.pv2hvm.core.spi;

import io.pv2hvm.core.MigrationOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A named, typed fact of a migration, journaled so that a later step and a resumed run see it
 * (the idea of the AWS SDK's {@code ExecutionAttribute<T>}). Two keys are the same fact when their
 * names are equal. Read and write it through {@link StepContext#find}, {@link StepContext#get},
 * {@link StepContext#put} and {@link StepContext#has}.
 *
 * @param <T> the value's type
 */
public final class FactKey<T> {
    private final String name;
    private final FactCodec<T> codec;
    private final List<String> legacyNames;
    private final Function<MigrationOptions, T> fallback;

    private FactKey(String name, FactCodec<T> codec, List<String> legacyNames, Function<MigrationOptions, T> fallback) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A fact key needs a name, e.g. \"mycompany.ticket-id\".");
        }
        this.name = name;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.legacyNames = List.copyOf(legacyNames);
        this.fallback = fallback;
    }

    /** A key whose values {@code codec} writes and reads. */
    public static <T> FactKey<T> of(String name, FactCodec<T> codec) {
        return new FactKey<>(name, codec, List.of(), null);
    }

    /** A text fact, e.g. a resource id. */
    public static FactKey<String> string(String name) {
        return of(name, FactCodec.string());
    }

    /** A yes/no fact. */
    public static FactKey<Boolean> bool(String name) {
        return of(name, FactCodec.bool());
    }

    /** A whole-number fact. */
    public static FactKey<Long> number(String name) {
        return of(name, FactCodec.number());
    }

    /** A list of strings (none may hold a comma: 0.1 journals joined them with commas). */
    public static FactKey<List<String>> strings(String name) {
        return of(name, FactCodec.strings());
    }

    /** An enum fact, journaled by constant name. */
    public static <E extends Enum<E>> FactKey<E> of(String name, Class<E> type) {
        return of(name, FactCodec.enumOf(type));
    }

    /** A fact Jackson maps: a record or a simple class. */
    public static <T> FactKey<T> json(String name, Class<T> type) {
        return of(name, FactCodec.json(type));
    }

    /**
     * The same key, whose {@link StepContext#get} falls back to a value derived from the options
     * when the fact was never journaled (e.g. the current source is the spec's instance until a
     * rollback relaunches it).
     */
    public FactKey<T> orElse(Function<MigrationOptions, T> fallback) {
        return new FactKey<>(name, codec, legacyNames, Objects.requireNonNull(fallback, "fallback"));
    }

    /** The same key, that also reads a fact an older pv2hvm journaled under {@code legacyName}. */
    public FactKey<T> alsoReading(String legacyName) {
        List<String> names = new ArrayList<>(legacyNames);
        names.add(Objects.requireNonNull(legacyName, "legacyName"));
        return new FactKey<>(name, codec, names, fallback);
    }

    /** The name the journal records. */
    public String name() {
        return name;
    }

    /** How values are written and read. */
    public FactCodec<T> codec() {
        return codec;
    }

    /** Older names read when {@link #name()} was never journaled, in order. */
    public List<String> legacyNames() {
        return legacyNames;
    }

    /**
     * What {@code byName} finds under this key's name, else under its older names in order: the
     * one lookup every reader of journaled facts (a run's context, a result) shares.
     */
    public <R> Optional<R> lookUp(Function<String, R> byName) {
        R found = byName.apply(name);
        for (int i = 0; found == null && i < legacyNames.size(); i++) {
            found = byName.apply(legacyNames.get(i));
        }
        return Optional.ofNullable(found);
    }

    /** The value when the fact was never journaled, if the key has a fallback. */
    public Optional<T> fallback(MigrationOptions options) {
        return fallback == null ? Optional.empty() : Optional.ofNullable(fallback.apply(options));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FactKey<?> other && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
