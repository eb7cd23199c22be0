package io.pv2hvm.core.internal;

import io.github.resilience4j.retry.RetryRegistry;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.RetryPolicy;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.Sleeper;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepProvider;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The engine's view of a {@link MigrationSpec}: the settings users set but do not read back
 * (providers, listeners, journal, retries, clock...). They live here, not on the spec, so the
 * spec shows users only what they type. The spec installs the accessor when its class loads,
 * as the JDK's {@code SharedSecrets} do; nothing outside pv2hvm may use this class.
 */
public abstract class SpecAccess {
    private static volatile Function<MigrationSpec, SpecAccess> factory;

    /** For subclasses inside {@link MigrationSpec} only. */
    protected SpecAccess() {
    }

    /** The engine's view of {@code spec}. */
    public static SpecAccess of(MigrationSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (factory == null) {
            initialize(MigrationSpec.class); // its static initializer installs the factory
        }
        return factory.apply(spec);
    }

    /**
     * Called once, by {@link MigrationSpec}'s static initializer.
     *
     * @throws IllegalStateException on a second call
     */
    public static synchronized void install(Function<MigrationSpec, SpecAccess> f) {
        if (factory != null) {
            throw new IllegalStateException("SpecAccess is installed by MigrationSpec only");
        }
        factory = Objects.requireNonNull(f, "f");
    }

    private static void initialize(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The spec this view reads. */
    public abstract MigrationSpec spec();

    /** The source instance id. */
    public abstract String instanceId();

    /** The migration id given or resumed, if any (otherwise one is generated at run time). */
    public abstract Optional<String> migrationId();

    /** Whether the spec continues a journaled migration ({@code Migration.resume}). */
    public abstract boolean resuming();

    /** The retry policy that applies to a step: its own, else the default. */
    public abstract RetryPolicy retryPolicyFor(String stepName);

    /** Per-step retry policies, by step name. */
    public abstract Map<String, RetryPolicy> stepRetryPolicies();

    /** Where steps' Resilience4j retries are kept, if a registry was given. */
    public abstract Optional<RetryRegistry> retryRegistry();

    /** User steps that run at the start of a phase. */
    public abstract List<Step> stepsBefore(Phase phase);

    /** User steps that run at the end of a phase. */
    public abstract List<Step> stepsAfter(Phase phase);

    /** Explicitly registered providers. */
    public abstract List<StepProvider> providers();

    /** Registered listeners. */
    public abstract List<MigrationListener> listeners();

    /** The journal: the one given, else the default under {@code ~/.pv2hvm/journal}. */
    public abstract Journal journal();

    /** The run's clock. */
    public abstract Clock clock();

    /** The run's sleeper. */
    public abstract Sleeper sleeper();

    /** The options journaled when the migration starts; a resumed migration must have the same. */
    public abstract Map<String, String> persistentOptions();
}
