package io.pv2hvm.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a plan. Build one with {@link #builder()}.
 */
public final class PlannedStep {
    private final int number;
    private final Phase phase;
    private final String name;
    private final String source;
    private final String summary;
    private final List<String> creates;
    private final List<String> changes;
    private final boolean downtime;

    private PlannedStep(Builder b) {
        this.number = b.number;
        this.phase = b.phase;
        this.name = b.name;
        this.source = b.source;
        this.summary = b.summary;
        this.creates = List.copyOf(b.creates);
        this.changes = List.copyOf(b.changes);
        this.downtime = b.downtime;
    }

    /** A builder with every field unset (collections empty). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this value's fields, to change some. */
    public Builder toBuilder() {
        return new Builder().number(number).phase(phase).name(name).source(source).summary(summary).creates(creates).changes(changes).downtime(downtime);
    }

    /** 1-based position in execution order. */
    public int number() {
        return number;
    }

    /** The phase it runs in. */
    public Phase phase() {
        return phase;
    }

    /** The step's name. */
    public String name() {
        return name;
    }

    /** Who contributed it: a provider's name, or {@code user}. */
    public String source() {
        return source;
    }

    /** What it does, in one line. */
    public String summary() {
        return summary;
    }

    /** Resources it will create. */
    public List<String> creates() {
        return creates;
    }

    /** Existing resources it will change. */
    public List<String> changes() {
        return changes;
    }

    /** Whether it runs while the source is out of service. */
    public boolean downtime() {
        return downtime;
    }

    /** The fields as JSON members, in the order the record had them. */
    Map<String, Object> jsonTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", number);
        m.put("phase", phase);
        m.put("name", name);
        m.put("source", source);
        m.put("summary", summary);
        m.put("creates", creates);
        m.put("changes", changes);
        m.put("downtime", downtime);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PlannedStep other)) {
            return false;
        }
        return number == other.number
                && Objects.equals(phase, other.phase)
                && Objects.equals(name, other.name)
                && Objects.equals(source, other.source)
                && Objects.equals(summary, other.summary)
                && Objects.equals(creates, other.creates)
                && Objects.equals(changes, other.changes)
                && downtime == other.downtime;
    }

    @Override
    public int hashCode() {
        return Objects.hash(number, phase, name, source, summary, creates, changes, downtime);
    }

    @Override
    public String toString() {
        return "PlannedStep[" + "number=" + number + ", " + "phase=" + phase + ", " + "name=" + name + ", " + "source=" + source + ", " + "summary=" + summary + ", " + "creates=" + creates + ", " + "changes=" + changes + ", " + "downtime=" + downtime + "]";
    }

    /** Builds a {@link PlannedStep}; unset ids are {@code null}, unset collections empty. */
    public static final class Builder {
        private int number;
        private Phase phase;
        private String name;
        private String source;
        private String summary;
        private List<String> creates = List.of();
        private List<String> changes = List.of();
        private boolean downtime;

        private Builder() {
        }

        /** Sets {@link PlannedStep#number()}. */
        public Builder number(int number) {
            this.number = number;
            return this;
        }

        /** Sets {@link PlannedStep#phase()}. */
        public Builder phase(Phase phase) {
            this.phase = phase;
            return this;
        }

        /** Sets {@link PlannedStep#name()}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Sets {@link PlannedStep#source()}. */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /** Sets {@link PlannedStep#summary()}. */
        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        /** Sets {@link PlannedStep#creates()}. */
        public Builder creates(List<String> creates) {
            this.creates = creates;
            return this;
        }

        /** Sets {@link PlannedStep#changes()}. */
        public Builder changes(List<String> changes) {
            this.changes = changes;
            return this;
        }

        /** Sets {@link PlannedStep#downtime()}. */
        public Builder downtime(boolean downtime) {
            this.downtime = downtime;
            return this;
        }

        /** The value. */
        public PlannedStep build() {
            return new PlannedStep(this);
        }
    }
}
