package io.pv2hvm.core.guest;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.InvalidSpecException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * What an {@code IN_PLACE} conversion decided from, kept so that the same guest can be converted
 * again in one worker command ({@link GuestConverter#inPlaceAsPlanned}): the inspection's records
 * (the device's name replaced by {@link #PLACEHOLDER}) and their fingerprint. The conversion's jobs
 * are derived from the records by the same code as the first time; the worker applies them only
 * when the guest's fingerprint, computed by the same inspect script, is still this one.
 */
public final class ConversionRecipe {
    /** Stands for the converted device in the records and in the planned jobs' arguments. */
    public static final String PLACEHOLDER = "/dev/pv2hvm-planned-device";

    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    private static final String VERSION = "recipe1";

    private final ConversionStrategy strategy;
    private final TargetPlatform target;
    private final String fingerprint;
    private final String records;

    ConversionRecipe(ConversionStrategy strategy, TargetPlatform target, String fingerprint, String records) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.target = Objects.requireNonNull(target, "target");
        if (fingerprint == null || !FINGERPRINT.matcher(fingerprint).matches()) {
            throw new InvalidSpecException("'" + fingerprint + "' is not an inspection fingerprint (64 hex digits).");
        }
        this.fingerprint = fingerprint;
        this.records = Objects.requireNonNull(records, "records");
    }

    /**
     * A recipe for a simulated guest, whose {@code fingerprint} stands for what it found; a real one
     * comes from {@link GuestConverter#inPlace}'s {@link ConversionResult#recipe()}.
     */
    public static ConversionRecipe simulated(ConversionStrategy strategy, TargetPlatform target, String fingerprint) {
        return new ConversionRecipe(strategy, target, fingerprint, "");
    }

    /** The strategy the recipe converts with. */
    public ConversionStrategy strategy() {
        return strategy;
    }

    /** The platform the recipe converts for. */
    public TargetPlatform target() {
        return target;
    }

    /** The inspection's fingerprint, as the inspect script printed it. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The inspection's records with {@code device} in place of {@link #PLACEHOLDER}. */
    String records(String device) {
        return records.replace(PLACEHOLDER, device);
    }

    /** A compact text form for a migration's facts; {@link #decode} reads it back. */
    public String encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(records.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen writing memory
        }
        return String.join(" ", VERSION, strategy.name(), target.name(), fingerprint,
                Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @throws InvalidSpecException when {@code text} is not such a recipe
     */
    public static ConversionRecipe decode(String text) {
        String[] f = text == null ? new String[0] : text.split(" ");
        if (f.length != 5 || !f[0].equals(VERSION)) {
            throw new InvalidSpecException("Not a conversion recipe (expected '" + VERSION + " STRATEGY TARGET FINGERPRINT"
                    + " RECORDS'): " + (text == null ? "null" : text.substring(0, Math.min(60, text.length()))));
        }
        try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(f[4])))) {
            return new ConversionRecipe(ConversionStrategy.valueOf(f[1]), TargetPlatform.valueOf(f[2]), f[3],
                    new String(gz.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidSpecException("Not a conversion recipe: " + e.getMessage());
        }
    }
}
