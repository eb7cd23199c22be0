package io.pv2hvm.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How long one step took. Build one with {@link #builder()}.
 */
public final class StepTiming {
    private final String step;
    private final Phase phase;
    private final Duration took;
    private final boolean downtime;
    private final boolean resumed;

    private StepTiming(Builder b) {
        this.step = Objects.requireNonNull(b.step, "step");
        this.phase = Objects.requireNonNull(b.phase, "phase");
        this.took = Objects.requireNonNull(b.took, "took");
        this.downtime = b.downtime;
        this.resumed = b.resumed;
    }

    /** A builder with every field unset (collections empty). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this value's fields, to change some. */
    public Builder toBuilder() {
        return new Builder().step(step).phase(phase).took(took).downtime(downtime).resumed(resumed);
    }

    /** The step's name. */
    public String step() {
        return step;
    }

    /** Its phase. */
    public Phase phase() {
        return phase;
    }

    /** How long it ran (in the run that completed it), by the run's clock. */
    public Duration took() {
        return took;
    }

    /** Whether it ran while the source was out of service. */
    public boolean downtime() {
        return downtime;
    }

    /** Whether it completed in an earlier run and was skipped on resume. */
    public boolean resumed() {
        return resumed;
    }

    /** The fields as JSON members, in the order the record had them. */
    Map<String, Object> jsonTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("phase", phase);
        m.put("took", took);
        m.put("downtime", downtime);
        m.put("resumed", resumed);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof StepTiming other)) {
            return false;
        }
        return Objects.equals(step, other.step)
                && Objects.equals(phase, other.phase)
                && Objects.equals(took, other.took)
                && downtime == other.downtime
                && resumed == other.resumed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(step, phase, took, downtime, resumed);
    }

    @Override
    public String toString() {
        return "StepTiming[" + "step=" + step + ", " + "phase=" + phase + ", " + "took=" + took + ", " + "downtime=" + downtime + ", " + "resumed=" + resumed + "]";
    }

    /** Builds a {@link StepTiming}; unset ids are {@code null}, unset collections empty. */
    public static final class Builder {
        private String step;
        private Phase phase;
        private Duration took = Duration.ZERO;
        private boolean downtime;
        private boolean resumed;

        private Builder() {
        }

        /** Sets {@link StepTiming#step()}. */
        public Builder step(String step) {
            this.step = step;
            return this;
        }

        /** Sets {@link StepTiming#phase()}. */
        public Builder phase(Phase phase) {
            this.phase = phase;
            return this;
        }

        /** Sets {@link StepTiming#took()}. */
        public Builder took(Duration took) {
            this.took = took;
            return this;
        }

        /** Sets {@link StepTiming#downtime()}. */
        public Builder downtime(boolean downtime) {
            this.downtime = downtime;
            return this;
        }

        /** Sets {@link StepTiming#resumed()}. */
        public Builder resumed(boolean resumed) {
            this.resumed = resumed;
            return this;
        }

        /** The value. */
        public StepTiming build() {
            return new StepTiming(this);
        }
    }
}
