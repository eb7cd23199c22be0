package io.pv2hvm.testkit;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A latency-model file: the latencies {@code pv2hvm bench latencies} measured in a real account (or
 * any {@link LatencyModel} saved with {@link LatencyModel#toFile}), for the emulator and the
 * benchmarks to replay. Format {@value #FORMAT}, version {@value #VERSION}, JSON:
 *
 * <pre>{@code
 * {
 *   "format" : "pv2hvm-latency-model",
 *   "version" : 1,
 *   "region" : "eu-west-1",                       // optional: where it was measured
 *   "measuredAt" : "2026-12-05T20:00:00Z",        // optional
 *   "repetitions" : 3,                            // optional: samples per transition
 *   "instanceType" : "t3.micro",                  // optional: the type launched
 *   "pollResolutionSeconds" : 5.0,                // optional: the probe's longest gap between two looks
 *   "notes" : [ "..." ],                          // optional
 *   "latencies" : {                               // LatencyModel's names; a missing one keeps realistic()
 *     "instancePending" : { "seconds" : 14.8, "min" : 12.9, "median" : 14.8, "max" : 17.0 },
 *     ...
 *   },
 *   "measuredOnly" : { ... }                      // optional: measured, not part of the model; not read
 * }
 * }</pre>
 * Each latency's {@code seconds} (EC2 time, a number {@code >= 0}) is the model's value (the probe
 * chooses the median); {@code min}, {@code median}, {@code max} and {@code samples} are optional
 * statistics. An unknown top-level field or latency name, another format or version, or a bad value
 * is refused with a {@link LatencyFileException} naming the line and field. A file holds EC2's time:
 * the model read has time scale 1 (apply {@link LatencyModel#withTimeScale}).
 */
public final class LatencyFile {
    /** The value of the {@code format} field. */
    public static final String FORMAT = "pv2hvm-latency-model";
    /** The version this code reads and writes. */
    public static final int VERSION = 1;

    private static final Set<String> TOP_LEVEL = Set.of("format", "version", "region", "measuredAt", "repetitions", "instanceType",
            "pollResolutionSeconds", "notes", "latencies", "measuredOnly");
    private static final Set<String> ENTRY = Set.of("seconds", "min", "median", "max", "samples");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Each model latency by its file name: how to read it from a model and set it on a builder. */
    private static final Map<String, Latency> LATENCIES = latencies();

    private record Latency(Function<LatencyModel, Duration> get, BiConsumer<LatencyModel.Builder, Duration> set) {
    }

    private final LatencyModel model;
    private final String region;
    private final Instant measuredAt;
    private final Integer repetitions;
    private final Set<String> fromFile;

    private LatencyFile(LatencyModel model, String region, Instant measuredAt, Integer repetitions, Set<String> fromFile) {
        this.model = model;
        this.region = region;
        this.measuredAt = measuredAt;
        this.repetitions = repetitions;
        this.fromFile = Collections.unmodifiableSet(fromFile);
    }

    /** The latency names a file may hold, in file order (the {@link LatencyModel} accessor names). */
    public static Set<String> names() {
        return LATENCIES.keySet();
    }

    /**
     * Reads a latency-model file.
     *
     * @throws LatencyFileException when the file is missing, not JSON, of another format or version,
     *                              or holds an unknown field or a bad value (the message names the line)
     */
    public static LatencyFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new LatencyFileException(file, 0, null, "no such file. Pass the file `pv2hvm bench latencies --out`"
                    + " wrote.");
        } catch (IOException e) {
            throw new LatencyFileException(file, 0, null, "cannot be read: " + e.getMessage());
        }
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root;
        try {
            lines = fieldLines(text);
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new LatencyFileException(file, at == null ? 0 : at.getLineNr(), null, "not valid JSON ("
                    + e.getOriginalMessage() + "). Regenerate it with `pv2hvm bench latencies`.");
        }
        return new Reader(file, lines).read(root);
    }

    /** Writes {@code model}'s latencies (EC2 time; its time scale is not part of the file) in this format. */
    public static void write(LatencyModel model, Path file) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        ObjectNode latencies = doc.putObject("latencies");
        LATENCIES.forEach((name, l) -> latencies.putObject(name).put("seconds", seconds(l.get().apply(model))));
        try {
            Files.writeString(file, JSON.writeValueAsString(doc) + "\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The model: the file's latencies over {@link LatencyModel#realistic()}, at time scale 1. */
    public LatencyModel model() {
        return model;
    }

    /** The region the latencies were measured in, if the file says. */
    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    /** When they were measured, if the file says. */
    public Optional<Instant> measuredAt() {
        return Optional.ofNullable(measuredAt);
    }

    /** Samples per transition, if the file says. */
    public OptionalInt repetitions() {
        return repetitions == null ? OptionalInt.empty() : OptionalInt.of(repetitions);
    }

    /** The latencies the file set; every other one is {@link LatencyModel#realistic()}'s. */
    public Set<String> fromFile() {
        return fromFile;
    }

    /** One line for a report: where the latencies come from and which ones kept the defaults. */
    public String describe() {
        Set<String> defaults = new LinkedHashSet<>(LATENCIES.keySet());
        defaults.removeAll(fromFile);
        return "latencies from a file" + region().map(r -> " measured in " + r).orElse("")
                + measuredAt().map(t -> " at " + t).orElse("")
                + repetitions().stream().mapToObj(n -> " (" + n + " samples each)").findFirst().orElse("")
                + ": " + fromFile.size() + " of " + LATENCIES.size() + " latencies"
                + (defaults.isEmpty() ? "" : "; realistic() defaults kept for " + String.join(", ", defaults));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** The line of every field name, by dotted path ({@code latencies.instancePending.seconds}). */
    private static Map<String, Integer> fieldLines(String text) throws JsonProcessingException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            Deque<String> path = new ArrayDeque<>();
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    String prefix = String.join(".", (Iterable<String>) path::descendingIterator);
                    String name = p.currentName();
                    lines.putIfAbsent(prefix.isEmpty() ? name : prefix + "." + name, p.currentLocation().getLineNr());
                    JsonToken value = p.nextToken();
                    if (value == JsonToken.START_OBJECT) {
                        path.push(name);
                    } else if (value == JsonToken.START_ARRAY) {
                        p.skipChildren();
                    }
                } else if (t == JsonToken.END_OBJECT && !path.isEmpty()) {
                    path.pop();
                }
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return lines;
    }

    /** Validates a parsed file against its field lines. */
    private record Reader(Path file, Map<String, Integer> lines) {
        LatencyFile read(JsonNode root) {
            if (!root.isObject()) {
                throw error(null, "expected a JSON object with \"format\": \"" + FORMAT + "\"; regenerate the file with"
                        + " `pv2hvm bench latencies`.");
            }
            JsonNode format = root.get("format");
            if (format == null || !FORMAT.equals(format.asText())) {
                throw error(format == null ? null : "format", "expected \"format\": \"" + FORMAT + "\", got "
                        + (format == null ? "none" : format) + ". This is not a pv2hvm latency-model file.");
            }
            JsonNode version = root.get("version");
            if (version == null || !version.isInt() || version.asInt() != VERSION) {
                throw error(version == null ? null : "version", "unknown version " + version + "; this pv2hvm reads"
                        + " version " + VERSION + ". Use the pv2hvm release that wrote the file, or measure again.");
            }
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!TOP_LEVEL.contains(name)) {
                    throw error(name, "unknown field; version " + VERSION + " has " + new java.util.TreeSet<>(TOP_LEVEL)
                            + ".");
                }
            }
            String region = text(root, "region");
            Instant measuredAt = null;
            String at = text(root, "measuredAt");
            if (at != null) {
                try {
                    measuredAt = Instant.parse(at);
                } catch (DateTimeParseException e) {
                    throw error("measuredAt", "expected an ISO-8601 instant such as 2026-12-05T20:00:00Z, got \"" + at
                            + "\".");
                }
            }
            Integer repetitions = null;
            JsonNode n = root.get("repetitions");
            if (n != null) {
                if (!n.isInt() || n.asInt() < 1) {
                    throw error("repetitions", "expected a whole number >= 1, got " + n + ".");
                }
                repetitions = n.asInt();
            }
            JsonNode latencies = root.get("latencies");
            if (latencies == null || !latencies.isObject()) {
                throw error(latencies == null ? null : "latencies", "expected an object \"latencies\" holding"
                        + " { \"<name>\": { \"seconds\": N } } for names among " + LATENCIES.keySet() + ".");
            }
            LatencyModel.Builder model = LatencyModel.builder();
            Set<String> set = new LinkedHashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = latencies.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = "latencies." + e.getKey();
                Latency latency = LATENCIES.get(e.getKey());
                if (latency == null) {
                    throw error(field, "unknown latency \"" + e.getKey() + "\"; version " + VERSION + " knows "
                            + LATENCIES.keySet() + ". Measured-only values go under \"measuredOnly\".");
                }
                if (!e.getValue().isObject()) {
                    throw error(field, "expected { \"seconds\": N }, got " + e.getValue() + ".");
                }
                for (Iterator<String> names = e.getValue().fieldNames(); names.hasNext(); ) {
                    String stat = names.next();
                    if (!ENTRY.contains(stat)) {
                        throw error(field + "." + stat, "unknown field; a latency has " + new java.util.TreeSet<>(ENTRY)
                                + ".");
                    }
                    nonNegative(e.getValue().get(stat), field + "." + stat);
                }
                JsonNode seconds = e.getValue().get("seconds");
                if (seconds == null) {
                    throw error(field, "missing \"seconds\": the model's value in EC2 seconds (the probe writes the"
                            + " median).");
                }
                latency.set().accept(model, Duration.ofNanos(Math.round(seconds.asDouble() * 1e9)));
                set.add(e.getKey());
            }
            return new LatencyFile(model.build(), region, measuredAt, repetitions, set);
        }

        private void nonNegative(JsonNode value, String field) {
            if (!value.isNumber() || !(value.asDouble() >= 0) || Double.isInfinite(value.asDouble())) {
                throw error(field, "expected a number of seconds >= 0, got " + value + ".");
            }
        }

        private String text(JsonNode root, String field) {
            JsonNode v = root.get(field);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw error(field, "expected a string, got " + v + ".");
            }
            return v.asText();
        }

        private LatencyFileException error(String field, String problem) {
            return new LatencyFileException(file, field == null ? 0 : lines.getOrDefault(field, 0), field, problem);
        }
    }

    private static Map<String, Latency> latencies() {
        Map<String, Latency> m = new LinkedHashMap<>();
        m.put("instancePending", new Latency(LatencyModel::instancePending, LatencyModel.Builder::instancePending));
        m.put("instanceStopping", new Latency(LatencyModel::instanceStopping, LatencyModel.Builder::instanceStopping));
        m.put("instanceShuttingDown", new Latency(LatencyModel::instanceShuttingDown,
                LatencyModel.Builder::instanceShuttingDown));
        m.put("stoppedTermination", new Latency(LatencyModel::stoppedTermination,
                LatencyModel.Builder::stoppedTermination));
        m.put("guestBoot", new Latency(LatencyModel::guestBoot, LatencyModel.Builder::guestBoot));
        m.put("consoleBuffer", new Latency(LatencyModel::consoleBuffer, LatencyModel.Builder::consoleBuffer));
        m.put("statusChecks", new Latency(LatencyModel::statusChecks, LatencyModel.Builder::statusChecks));
        m.put("ssmAgentOnline", new Latency(LatencyModel::ssmAgentOnline, LatencyModel.Builder::ssmAgentOnline));
        m.put("volumeCreating", new Latency(LatencyModel::volumeCreating, LatencyModel.Builder::volumeCreating));
        m.put("volumeAttaching", new Latency(LatencyModel::volumeAttaching, LatencyModel.Builder::volumeAttaching));
        m.put("volumeDetaching", new Latency(LatencyModel::volumeDetaching, LatencyModel.Builder::volumeDetaching));
        m.put("volumeDeleting", new Latency(LatencyModel::volumeDeleting, LatencyModel.Builder::volumeDeleting));
        m.put("snapshotBase", new Latency(LatencyModel::snapshotBase, LatencyModel.Builder::snapshotBase));
        m.put("snapshotPerGiB", new Latency(LatencyModel::snapshotPerGiB, LatencyModel.Builder::snapshotPerGiB));
        m.put("imageRegistration", new Latency(LatencyModel::imageRegistration, LatencyModel.Builder::imageRegistration));
        m.put("imageCreation", new Latency(LatencyModel::imageCreation, LatencyModel.Builder::imageCreation));
        m.put("privateIpRelease", new Latency(LatencyModel::privateIpRelease, LatencyModel.Builder::privateIpRelease));
        m.put("terminatedRetention", new Latency(LatencyModel::terminatedRetention,
                LatencyModel.Builder::terminatedRetention));
        m.put("ssmDispatch", new Latency(LatencyModel::ssmDispatch, LatencyModel.Builder::ssmDispatch));
        m.put("ssmRun", new Latency(LatencyModel::ssmRun, LatencyModel.Builder::ssmRun));
        return Collections.unmodifiableMap(m);
    }
}
