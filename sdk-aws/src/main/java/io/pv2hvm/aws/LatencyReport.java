package io.pv2hvm.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link LatencyProbe} measured: for each EC2 transition its samples (EC2 time) with their
 * minimum, median and maximum, as a table for people ({@link #toTable()}) and as a latency-model
 * file ({@link #toJson()}, format {@code pv2hvm-latency-model} version 1, the format the
 * emulator's {@code --latencies} and {@code pv2hvm bench migration --latencies} read). The model
 * value of each transition is its median.
 *
 * <p>Every sample was taken by polling with the SDK's own waits, so it is late by at most one
 * poll gap ({@link #pollResolution()}), and a transition counted from an observed state (status
 * checks from "running seen") may also be early by as much.
 */
public final class LatencyReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String region;
    private final Instant measuredAt;
    private final int repetitions;
    private final String instanceType;
    private final Duration pollResolution;
    private final Map<String, Transition> transitions;
    private final List<String> notes;

    /**
     * One transition's samples.
     *
     * @param name    its name: a {@code LatencyModel} latency ({@code instancePending}) or, when
     *                {@code inModel} is false, a measurement the model has no value for
     * @param inModel whether the latency-model file sets the model's value from it
     * @param what    what was timed, from which call or observed state to which
     * @param samples the samples, in EC2 time, in the order taken
     */
    public record Transition(String name, boolean inModel, String what, List<Duration> samples) {
        /** Copies the samples. */
        public Transition {
            Objects.requireNonNull(name, "name");
            samples = List.copyOf(samples);
        }

        /** The shortest sample. */
        public Duration min() {
            return samples.stream().min(Duration::compareTo).orElse(Duration.ZERO);
        }

        /** The longest sample. */
        public Duration max() {
            return samples.stream().max(Duration::compareTo).orElse(Duration.ZERO);
        }

        /** The median (the mean of the middle two for an even count): the model's value. */
        public Duration median() {
            if (samples.isEmpty()) {
                return Duration.ZERO;
            }
            List<Duration> sorted = new ArrayList<>(samples);
            Collections.sort(sorted);
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
        }
    }

    LatencyReport(String region, Instant measuredAt, int repetitions, String instanceType, Duration pollResolution,
                  List<Transition> transitions, List<String> notes) {
        this.region = region;
        this.measuredAt = measuredAt;
        this.repetitions = repetitions;
        this.instanceType = instanceType;
        this.pollResolution = pollResolution;
        Map<String, Transition> byName = new LinkedHashMap<>();
        for (Transition t : transitions) {
            if (!t.samples().isEmpty()) {
                byName.put(t.name(), t);
            }
        }
        this.transitions = Collections.unmodifiableMap(byName);
        this.notes = List.copyOf(notes);
    }

    /** The region measured. */
    public String region() {
        return region;
    }

    /** When the run started. */
    public Instant measuredAt() {
        return measuredAt;
    }

    /** Repetitions asked for (a transition may have fewer samples when a repetition skipped it). */
    public int repetitions() {
        return repetitions;
    }

    /** The instance type launched. */
    public String instanceType() {
        return instanceType;
    }

    /** The longest gap between two looks at a resource, in EC2 time: each sample is late by at most this. */
    public Duration pollResolution() {
        return pollResolution;
    }

    /** The transitions with at least one sample, in measurement order. */
    public List<Transition> transitions() {
        return List.copyOf(transitions.values());
    }

    /** The transition called {@code name}, if it was measured. */
    public Optional<Transition> transition(String name) {
        return Optional.ofNullable(transitions.get(name));
    }

    /** What the run could not measure, and why. */
    public List<String> notes() {
        return notes;
    }

    /** The latency-model file (JSON): the model values are the medians; measurements the model has no value for go under {@code measuredOnly}. */
    public String toJson() {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", "pv2hvm-latency-model");
        doc.put("version", 1);
        doc.put("region", region);
        doc.put("measuredAt", measuredAt.toString());
        doc.put("repetitions", repetitions);
        doc.put("instanceType", instanceType);
        doc.put("pollResolutionSeconds", seconds(pollResolution));
        notes.forEach(doc.putArray("notes")::add);
        ObjectNode model = doc.putObject("latencies");
        ObjectNode only = doc.putObject("measuredOnly");
        for (Transition t : transitions.values()) {
            ObjectNode e = (t.inModel() ? model : only).putObject(t.name());
            e.put("seconds", seconds(t.median()));
            e.put("min", seconds(t.min()));
            e.put("median", seconds(t.median()));
            e.put("max", seconds(t.max()));
            e.put("samples", t.samples().size());
        }
        try {
            return JSON.writeValueAsString(doc) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #toJson()} to {@code file}. */
    public void writeTo(Path file) {
        try {
            Files.writeString(file, toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A markdown table: transition, min, median, max, samples, what was timed; then the notes. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "EC2 latencies in %s, %s, %d repetition(s), %s; poll resolution %s s"
                + " (each sample is late by at most that)%n%n", region, measuredAt, repetitions, instanceType,
                fmt(pollResolution)));
        sb.append("| transition | min s | median s | max s | n | timed |\n| --- | ---: | ---: | ---: | ---: | --- |\n");
        for (Transition t : transitions.values()) {
            sb.append(String.format(Locale.ROOT, "| %s%s | %s | %s | %s | %d | %s |%n", t.name(),
                    t.inModel() ? "" : " (not in the model)", fmt(t.min()), fmt(t.median()), fmt(t.max()),
                    t.samples().size(), t.what()));
        }
        for (String n : notes) {
            sb.append("\n- ").append(n);
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
        }
        return sb.toString();
    }

    private static double seconds(Duration d) {
        return Math.round(d.toNanos() / 1e6) / 1e3;
    }

    private static String fmt(Duration d) {
        return String.format(Locale.ROOT, "%.1f", d.toNanos() / 1e9);
    }
}
