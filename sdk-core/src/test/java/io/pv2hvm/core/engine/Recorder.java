package io.pv2hvm.core.engine;

import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.spi.ProvidedStep;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import io.pv2hvm.core.spi.StepProvider;
import io.pv2hvm.core.MigrationOptions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Test steps that record what ran and what was compensated, in order. */
final class Recorder {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Consumer<StepContext>> behaviours = new HashMap<>();
    private final Map<String, Consumer<StepContext>> undoBehaviours = new HashMap<>();
    private final Map<String, Consumer<StepContext>> cleanupHooks = new HashMap<>();

    /** Gives step {@code name} a {@link Step#cleanup} hook that records "cleanup:name" and does {@code behaviour}. */
    Recorder whenCleanedUp(String name, Consumer<StepContext> behaviour) {
        cleanupHooks.put(name, behaviour);
        return this;
    }

    /** Makes the compensation of step {@code name} do {@code behaviour} (e.g. wait). */
    Recorder whenUndone(String name, Consumer<StepContext> behaviour) {
        undoBehaviours.put(name, behaviour);
        return this;
    }

    /** Makes step {@code name} do {@code behaviour} when it runs (e.g. throw). */
    Recorder when(String name, Consumer<StepContext> behaviour) {
        behaviours.put(name, behaviour);
        return this;
    }

    Step step(String name) {
        Step plain = plainStep(name);
        if (!cleanupHooks.containsKey(name)) {
            return plain;
        }
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(StepContext context) {
                plain.run(context);
            }

            @Override
            public void compensate(StepContext context) {
                plain.compensate(context);
            }

            @Override
            public void cleanup(StepContext context) {
                events.add("cleanup:" + name);
                cleanupHooks.get(name).accept(context);
            }

            @Override
            public StepDescription describe() {
                return plain.describe();
            }
        };
    }

    private Step plainStep(String name) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(StepContext context) {
                events.add("run:" + name);
                behaviours.getOrDefault(name, c -> { }).accept(context);
            }

            @Override
            public void compensate(StepContext context) {
                events.add("undo:" + name);
                undoBehaviours.getOrDefault(name, c -> { }).accept(context);
            }

            @Override
            public StepDescription describe() {
                return new StepDescription("do " + name, List.of(name + "-thing"), List.of());
            }
        };
    }

    /** A provider contributing one step per phase, named after the phase ("preflight", "prepare", ...). */
    StepProvider onePerPhase() {
        return provider("test", Phase.values());
    }

    StepProvider provider(String providerName, Phase... phases) {
        return new StepProvider() {
            @Override
            public String name() {
                return providerName;
            }

            @Override
            public List<ProvidedStep> steps(MigrationOptions options) {
                List<ProvidedStep> steps = new ArrayList<>();
                for (Phase p : phases) {
                    steps.add(new ProvidedStep(p, step(p.name().toLowerCase())));
                }
                return steps;
            }
        };
    }

    List<String> runs() {
        return events.stream().filter(e -> e.startsWith("run:")).map(e -> e.substring(4)).toList();
    }

    List<String> cleanups() {
        return events.stream().filter(e -> e.startsWith("cleanup:")).map(e -> e.substring(8)).toList();
    }

    List<String> undos() {
        return events.stream().filter(e -> e.startsWith("undo:")).map(e -> e.substring(5)).toList();
    }

    static Consumer<StepContext> fail(String message) {
        return c -> {
            throw new MigrationException(message);
        };
    }

    /** Stands in for the JVM dying mid-step: an Error the engine does not compensate. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash");
        }
    }
}
