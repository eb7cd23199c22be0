package io.pv2hvm.aws;

import io.pv2hvm.core.spi.Sleeper;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link Migrations#sweep(software.amazon.awssdk.services.ec2.Ec2Client, io.pv2hvm.core.spi.Journal, SweepOptions)}
 * sweeps: which migration ids the caller vouches for, whether it only reports, how long it waits
 * for EC2, and the clock and sleeper its waits use.
 *
 * <pre>{@code
 * SweepReport report = Migrations.sweep(ec2, journal, SweepOptions.builder().migrationIds("mig-...").dryRun().build());
 * }</pre>
 */
public final class SweepOptions {
    private final Set<String> migrationIds;
    private final boolean dryRun;
    private final AwsTimeouts timeouts;
    private final Clock clock;
    private final Sleeper sleeper;

    private SweepOptions(Builder b) {
        this.migrationIds = Set.copyOf(b.migrationIds);
        this.dryRun = b.dryRun;
        this.timeouts = b.timeouts;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
    }

    /** A builder: no vouched ids, deleting, default timeouts, real time. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: deletes what journals name, vouches for no id, waits per {@link AwsTimeouts#defaults()}. */
    public static SweepOptions defaults() {
        return builder().build();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        return new Builder().migrationIds(migrationIds).timeouts(timeouts).clock(clock).sleeper(sleeper)
                .dryRun(dryRun);
    }

    /** Migration ids whose tagged temporaries are deleted whether a journal names them or not. */
    public Set<String> migrationIds() {
        return migrationIds;
    }

    /** Whether the sweep only reports what it would delete. */
    public boolean dryRun() {
        return dryRun;
    }

    /** How long the deletions wait for EC2, and how often they look. */
    public AwsTimeouts timeouts() {
        return timeouts;
    }

    /** The clock the sweep's waits and journal entries read. */
    public Clock clock() {
        return clock;
    }

    /** The sleeper the sweep's waits pause through. */
    public Sleeper sleeper() {
        return sleeper;
    }

    /** Builds {@link SweepOptions}. */
    public static final class Builder {
        private Collection<String> migrationIds = List.of();
        private boolean dryRun;
        private AwsTimeouts timeouts = AwsTimeouts.defaults();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();

        private Builder() {
        }

        /**
         * Also deletes every temporary tagged with one of these migration ids, named by a journal
         * or not (its journal was lost, or it ran elsewhere): the caller vouches for them. A
         * migration running now (its journal locked) is still spared.
         */
        public Builder migrationIds(Collection<String> ids) {
            this.migrationIds = List.copyOf(Objects.requireNonNull(ids, "ids"));
            return this;
        }

        /** {@link #migrationIds(Collection)} of these ids. */
        public Builder migrationIds(String... ids) {
            return migrationIds(List.of(ids));
        }

        /** Reports what would be deleted and deletes nothing. */
        public Builder dryRun() {
            return dryRun(true);
        }

        private Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /** How long the deletions wait for EC2 (default {@link AwsTimeouts#defaults()}). */
        public Builder timeouts(AwsTimeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /** The clock for waits and journal entries (default: the system's, UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The sleeper waits pause through (default {@link Sleeper#system()}). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** The options. */
        public SweepOptions build() {
            return new SweepOptions(this);
        }
    }
}
