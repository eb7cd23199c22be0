package io.pv2hvm.aws;

import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.MigrationResult;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a fleet's migrations ended ({@link FleetSpec#run()}): one {@link Outcome} per instance, in the
 * order the ids were given, and what the run as a whole took. Immutable; built by the fleet run
 * ({@link #builder()} for tests and reports).
 */
public final class FleetResult {
    private final List<Outcome> outcomes;
    private final Duration makespan;
    private final int maxConcurrent;
    private final int peakConcurrency;

    /** For the builder (two ints in a row are easy to swap); copies the outcomes. */
    private FleetResult(List<Outcome> outcomes, Duration makespan, int maxConcurrent, int peakConcurrency) {
        this.outcomes = List.copyOf(outcomes);
        this.makespan = Objects.requireNonNull(makespan, "makespan");
        this.maxConcurrent = maxConcurrent;
        this.peakConcurrency = peakConcurrency;
    }

    /** A builder of an empty result. */
    public static Builder builder() {
        return new Builder();
    }

    /** One outcome per instance, in the order given. */
    public List<Outcome> outcomes() {
        return outcomes;
    }

    /** Time from the first migration's start to the last one's end, on the migrations' clock. */
    public Duration makespan() {
        return makespan;
    }

    /** The most migrations allowed at once. */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** The most migrations that actually ran at once. */
    public int peakConcurrency() {
        return peakConcurrency;
    }

    /** The outcomes of migrations that succeeded. */
    public List<Outcome> succeeded() {
        return outcomes.stream().filter(Outcome::succeeded).toList();
    }

    /** The outcomes of migrations that failed (and were rolled back, or never changed anything). */
    public List<Outcome> failed() {
        return outcomes.stream().filter(o -> !o.succeeded()).toList();
    }

    /** Whether every instance now runs as HVM. */
    public boolean allSucceeded() {
        return outcomes.stream().allMatch(Outcome::succeeded);
    }

    /** EC2 and SSM calls of all migrations. */
    public long apiCalls() {
        return outcomes.stream().mapToLong(Outcome::apiCalls).sum();
    }

    /** Throttling errors that reached pv2hvm after the SDK's own retries, over all migrations. */
    public long throttlingErrors() {
        return outcomes.stream().mapToLong(Outcome::throttlingErrors).sum();
    }

    /** Migrations that failed because of throttling: throttling that reached the caller. */
    public long throttlingFailures() {
        return outcomes.stream().filter(Outcome::failedByThrottling).count();
    }

    /** How long calls waited for rate-limit permits, over all migrations. */
    public Duration rateLimitWait() {
        return outcomes.stream().map(Outcome::rateLimitWait).reduce(Duration.ZERO, Duration::plus);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FleetResult r && outcomes.equals(r.outcomes) && makespan.equals(r.makespan)
                && maxConcurrent == r.maxConcurrent && peakConcurrency == r.peakConcurrency;
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcomes, makespan, maxConcurrent, peakConcurrency);
    }

    @Override
    public String toString() {
        return "FleetResult[outcomes=" + outcomes + ", makespan=" + makespan + ", maxConcurrent=" + maxConcurrent
                + ", peakConcurrency=" + peakConcurrency + "]";
    }

    /** Builds a {@link FleetResult}. */
    public static final class Builder {
        private List<Outcome> outcomes = List.of();
        private Duration makespan = Duration.ZERO;
        private int maxConcurrent;
        private int peakConcurrency;

        private Builder() {
        }

        /** One outcome per instance, in the order given. */
        public Builder outcomes(List<Outcome> outcomes) {
            this.outcomes = List.copyOf(outcomes);
            return this;
        }

        /** Time from the first migration's start to the last one's end. */
        public Builder makespan(Duration makespan) {
            this.makespan = Objects.requireNonNull(makespan, "makespan");
            return this;
        }

        /** The most migrations allowed at once. */
        public Builder maxConcurrent(int maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
            return this;
        }

        /** The most migrations that actually ran at once. */
        public Builder peakConcurrency(int peakConcurrency) {
            this.peakConcurrency = peakConcurrency;
            return this;
        }

        /** The result. */
        @SuppressWarnings("deprecation")
        public FleetResult build() {
            return new FleetResult(outcomes, makespan, maxConcurrent, peakConcurrency);
        }
    }

    /**
     * How one instance's migration ended: exactly one of {@code result} and {@code error} is set.
     *
     * @param instanceId       the instance
     * @param result           the result, when it now runs as HVM
     * @param error            why not: a {@code PreflightException} (nothing changed), a
     *                         {@code StepFailedException} (rolled back), ...
     * @param apiCalls         EC2 and SSM calls the migration made, rollback included
     * @param throttlingErrors throttling errors that reached pv2hvm after the SDK's own retries
     * @param rateLimitWait    how long its calls waited for a rate-limit permit
     */
    public record Outcome(String instanceId, MigrationResult result, MigrationException error, long apiCalls,
                          long throttlingErrors, Duration rateLimitWait) {
        /** Checks that exactly one of result and error is set. */
        public Outcome {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(rateLimitWait, "rateLimitWait");
            if ((result == null) == (error == null)) {
                throw new IllegalArgumentException("an outcome has either a result or an error");
            }
        }

        /** Whether the instance now runs as HVM. */
        public boolean succeeded() {
            return result != null;
        }

        /** Whether the migration failed because AWS throttled a call (the error's causes include one). */
        public boolean failedByThrottling() {
            int depth = 0;
            for (Throwable t = error; t != null && depth++ < 32; t = t.getCause()) {
                if (t instanceof AwsCallException a && a.throttled()) {
                    return true;
                }
            }
            return false;
        }
    }
}
