package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.internal.SpecAccess;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.spi.ProvidedStep;
import io.pv2hvm.core.spi.StepProvider;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Puts the steps of a spec in run order: phase by phase, the user's "before" steps, the
 * providers' steps in registration order, the user's "after" steps. Fails loudly when two
 * contributors claim one step name or a retry override names no step.
 */
final class StepAssembly {
    private final List<AssembledStep> steps;

    private StepAssembly(List<AssembledStep> steps) {
        this.steps = List.copyOf(steps);
    }

    /** What one provider contributes to a run or plan. */
    record Contribution(String provider, List<ProvidedStep> steps) {
    }

    /** The providers registered on the spec, else those {@link ServiceLoader} finds. */
    static List<StepProvider> providers(SpecAccess spec) {
        List<StepProvider> providers = spec.providers();
        if (providers.isEmpty()) {
            providers = ServiceLoader.load(StepProvider.class).stream().map(ServiceLoader.Provider::get).toList();
        }
        return providers;
    }

    /** For a plan: each provider's {@code steps(options)}, no session. */
    static StepAssembly of(SpecAccess spec) {
        List<Contribution> contributions = new ArrayList<>();
        for (StepProvider provider : providers(spec)) {
            contributions.add(new Contribution(provider.name(), provider.steps(spec.spec().options())));
        }
        return of(spec, contributions);
    }

    /** For a run: the steps of the providers' open sessions. */
    static StepAssembly of(SpecAccess spec, List<Contribution> contributions) {
        Map<Phase, List<AssembledStep>> byPhase = new EnumMap<>(Phase.class);
        for (Contribution c : contributions) {
            for (ProvidedStep ps : c.steps()) {
                byPhase.computeIfAbsent(ps.phase(), p -> new ArrayList<>())
                        .add(new AssembledStep(ps.phase(), ps.step(), c.provider()));
            }
        }
        List<AssembledStep> ordered = new ArrayList<>();
        for (Phase phase : Phase.values()) {
            spec.stepsBefore(phase).forEach(s -> ordered.add(new AssembledStep(phase, s, "user")));
            ordered.addAll(byPhase.getOrDefault(phase, List.of()));
            spec.stepsAfter(phase).forEach(s -> ordered.add(new AssembledStep(phase, s, "user")));
        }
        if (ordered.isEmpty()) {
            throw new InvalidSpecException("No steps to run for " + spec.instanceId() + ": no step provider was"
                    + " registered or found. Add pv2hvm-sdk-aws to the classpath, or register one with"
                    + " withProvider(...).");
        }
        Map<String, AssembledStep> byName = new LinkedHashMap<>();
        for (AssembledStep s : ordered) {
            AssembledStep earlier = byName.putIfAbsent(s.name(), s);
            if (earlier != null) {
                throw new InvalidSpecException("Step name '" + s.name() + "' is claimed twice: by " + describe(earlier)
                        + " and by " + describe(s) + ". Step names must be unique; rename one step or drop one"
                        + " of the providers.");
            }
        }
        for (String name : spec.stepRetryPolicies().keySet()) {
            if (!byName.containsKey(name)) {
                throw new InvalidSpecException("withRetryPolicy(\"" + name + "\", ...) names no step of this migration."
                        + " Steps are: " + String.join(", ", byName.keySet()) + ".");
            }
        }
        return new StepAssembly(ordered);
    }

    List<AssembledStep> steps() {
        return steps;
    }

    Optional<AssembledStep> placed(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private static String describe(AssembledStep s) {
        return ("user".equals(s.source()) ? "a user step" : "provider '" + s.source() + "'") + " (phase " + s.phase() + ")";
    }
}
