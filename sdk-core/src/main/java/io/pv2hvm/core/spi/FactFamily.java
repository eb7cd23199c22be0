package io.pv2hvm.core.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * Keys that share a prefix and a type, one per subject: {@code REPLACED_BY.of("vol-0abc")} is the
 * fact {@code result.replaced-by.vol-0abc}.
 *
 * @param <T> the values' type
 */
public final class FactFamily<T> {
    private final String prefix;
    private final FactCodec<T> codec;

    private FactFamily(String prefix, FactCodec<T> codec) {
        this.prefix = prefix;
        this.codec = codec;
    }

    /** The family of keys named {@code prefix + subject}. */
    public static <T> FactFamily<T> of(String prefix, FactCodec<T> codec) {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("A fact family needs a prefix, e.g. \"mycompany.owner.\".");
        }
        return new FactFamily<>(prefix, Objects.requireNonNull(codec, "codec"));
    }

    /** The key of one subject. */
    public FactKey<T> of(String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("A fact family's key needs a subject after '" + prefix + "'.");
        }
        return FactKey.of(prefix + subject, codec);
    }

    /** The shared prefix. */
    public String prefix() {
        return prefix;
    }

    /** The subject of a fact name of this family, if it is one. */
    public Optional<String> subjectOf(String factName) {
        return factName.startsWith(prefix) && factName.length() > prefix.length()
                ? Optional.of(factName.substring(prefix.length())) : Optional.empty();
    }
}
