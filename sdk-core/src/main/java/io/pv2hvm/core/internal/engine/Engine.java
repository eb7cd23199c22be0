package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.MdcKeys;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationFuture;
import io.pv2hvm.core.MigrationPlan;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.PlannedStep;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.StepTiming;
import io.pv2hvm.core.internal.SpecAccess;
import io.pv2hvm.core.spi.JournalEntry.Type;
import io.pv2hvm.core.spi.JournalLock;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Executes a spec: journal "started", run the step under its retry policy, journal "done"; on
 * failure compensate every step that ran, most recent first, journal each, and throw a
 * {@link StepFailedException}. A resumed spec replays the journal first and skips done steps.
 *
 * <p>A failing CLEANUP step does not undo the migration: it becomes a warning, since its
 * leftovers are tagged temporaries that a sweep removes.
 *
 * <p>{@link Error}s (out of memory, a killed thread) are not compensated: the process is in no
 * state to act, and the journal already holds what {@code Migration.resume} needs.
 */
public final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SpecAccess spec;

    /** An engine for one spec. */
    public Engine(MigrationSpec spec) {
        this.spec = SpecAccess.of(Objects.requireNonNull(spec, "spec"));
    }

    /** The dry run: assembles and describes the steps without running or journaling anything. */
    public MigrationPlan plan() {
        List<PlannedStep> planned = new ArrayList<>();
        int n = 1;
        for (AssembledStep s : StepAssembly.of(spec).steps()) {
            StepDescription d = s.step().describe();
            planned.add(PlannedStep.builder().number(n++).phase(s.phase()).name(s.name()).source(s.source())
                    .summary(d.summary()).creates(d.creates()).changes(d.changes()).downtime(s.phase().downtime())
                    .build());
        }
        return new MigrationPlan(spec.instanceId(), spec.persistentOptions(), planned);
    }

    /** Runs to the end or rolls back and throws. */
    public MigrationResult run() {
        return execute(new Cancellation(spec.migrationId().orElse(null)));
    }

    /** Runs on {@code executor}; the returned future's {@code cancel} stops at the next safe point and rolls back. */
    public MigrationFuture runAsync(Executor executor) {
        Cancellation cancellation = new Cancellation(spec.migrationId().orElse(null));
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        MigrationFuture future = new MigrationFuture(cancellation::cancel, stopped);
        executor.execute(() -> {
            try {
                future.complete(execute(cancellation));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            } finally {
                stopped.complete(null);
            }
        });
        return future;
    }

    private MigrationResult execute(Cancellation cancellation) {
        String id = spec.resuming() ? spec.migrationId().orElseThrow() : spec.migrationId().orElseGet(this::generateId);
        // Opened before the lock so that a spec the providers refuse is refused, as before, without
        // touching the journal; closed on success, failure, cancellation and Error alike.
        try (Sessions sessions = Sessions.open(StepAssembly.providers(spec), spec.spec().options(),
                new Environment(id, spec.clock(), spec.sleeper()))) {
            StepAssembly assembly = StepAssembly.of(spec, sessions.contributions());
            // Held for the whole run and its rollback: a second process on this migration is refused
            // before it reads or changes anything.
            try (JournalLock lock = spec.journal().lock(id)) {
                return execute(assembly, spec.resuming() ? resumeRun(id, cancellation) : newRun(id, cancellation));
            }
        }
    }

    private MigrationResult execute(StepAssembly assembly, Run run) {
        Cancellation cancellation = run.cancellation();
        String id = run.migrationId();
        cancellation.identify(id);
        JournalReplay state = run.state();
        Set<String> doneEarlier = new HashSet<>();
        MDC.put(MdcKeys.MIGRATION_ID, id);
        run.listeners().fire(new MigrationEvent.MigrationStarted(id, run.now(), spec.resuming()));
        Throwable error = null;
        try {
            switch (state.status()) {
                case SUCCEEDED -> {
                    LOG.info("Migration {} already succeeded; returning its result from the journal", id);
                    return result(run, assembly, Set.of());
                }
                case FAILED -> throw new JournalException("Migration " + id + " already failed at step '"
                        + state.failedStep() + "' (" + state.failure() + ") and was rolled back; there is nothing"
                        + " to resume. Start a new migration.");
                case ROLLING_BACK -> {
                    LOG.info("Migration {} stopped while rolling back; finishing the rollback", id);
                    throw rollBack(run, assembly, state.failedStep(),
                            new JournalException("step '" + state.failedStep() + "' failed in an earlier run: "
                                    + state.failure()));
                }
                default -> {
                    // IN_PROGRESS: continue below.
                }
            }
            boolean cleanedUp = false;
            for (AssembledStep s : assembly.steps()) {
                if (!cleanedUp && s.phase() == Phase.CLEANUP) {
                    runCleanupHooks(run, assembly);
                    cleanedUp = true;
                }
                if (state.isDone(s.name())) {
                    LOG.info("Step {} was done in an earlier run; skipping", s.name());
                    doneEarlier.add(s.name());
                    continue;
                }
                runStep(run, assembly, s);
            }
            if (!cleanedUp) {
                runCleanupHooks(run, assembly);
            }
            run.record(Type.MIGRATION_SUCCEEDED, null, Map.of());
            LOG.info("Migration {} succeeded", id);
            return result(run, assembly, doneEarlier);
        } catch (RuntimeException | Error e) {
            error = e;
            throw e;
        } finally {
            Throwable ended = error;
            run.listeners().fire(new MigrationEvent.MigrationFinished(id, run.now(), Optional.ofNullable(ended)));
            MDC.remove(MdcKeys.MIGRATION_ID);
        }
    }

    private void runStep(Run run, StepAssembly assembly, AssembledStep s) {
        String id = run.migrationId();
        MDC.put(MdcKeys.STEP, s.name());
        try {
            // Past cutover there is nothing left to cancel: cleanup runs so no temporary stays behind.
            if (s.phase() != Phase.CLEANUP) {
                try {
                    run.cancellation().check();
                } catch (RuntimeException cancelled) {
                    throw rollBack(run, assembly, s.name(), cancelled);
                }
            }
            run.record(Type.STEP_STARTED, s.name(), Map.of("phase", s.phase().name()));
            run.listeners().fire(new MigrationEvent.StepStarted(id, run.now(), s.name(), s.phase()));
            LOG.info("Step {} ({}) started", s.name(), s.phase());
            Instant start = run.now();
            RunContext context = new RunContext(run, s.name());
            try {
                StepRetry.run(StepRetry.retryFor(s.name(), spec.retryPolicyFor(s.name()),
                                spec.retryRegistry().orElse(null)),
                        () -> s.step().run(context), context::sleep);
            } catch (RuntimeException e) {
                if (s.phase() == Phase.CLEANUP) {
                    // The migration itself is done; undoing it because a temporary could not be
                    // deleted would be worse than the leftover, which carries our tags.
                    String message = "Cleanup step '" + s.name() + "' failed (" + describe(e) + "); the migration"
                            + " stands. Leftover temporaries carry pv2hvm tags: Migrations.sweep(...) removes them.";
                    run.record(Type.WARNING, s.name(), Map.of("message", message));
                    run.listeners().fire(new MigrationEvent.Warning(id, run.now(), s.name(), message));
                    LOG.warn(message);
                    run.record(Type.STEP_DONE, s.name(), Map.of("millis", Long.toString(run.since(start).toMillis())));
                    return;
                }
                run.record(Type.STEP_FAILED, s.name(), Map.of("error", describe(e)));
                run.listeners().fire(new MigrationEvent.StepFailed(id, run.now(), s.name(), e));
                LOG.warn("Step {} failed: {}", s.name(), describe(e));
                throw rollBack(run, assembly, s.name(), e);
            }
            Duration took = run.since(start);
            run.record(Type.STEP_DONE, s.name(), Map.of("millis", Long.toString(took.toMillis())));
            run.listeners().fire(new MigrationEvent.StepFinished(id, run.now(), s.name(), took));
            LOG.info("Step {} done in {} ms", s.name(), took.toMillis());
        } finally {
            MDC.remove(MdcKeys.STEP);
        }
    }

    /**
     * Runs the {@link Step#cleanup} hook of every done step, most recent first, each once: a hook
     * journaled as run is skipped on resume. Each hook runs under its step's retry policy; like a
     * CLEANUP step, a hook that still fails becomes a warning.
     * Cancellation no longer applies: the migration has succeeded and its temporaries must go.
     */
    private void runCleanupHooks(Run run, StepAssembly assembly) {
        List<AssembledStep> steps = new ArrayList<>(assembly.steps());
        Collections.reverse(steps);
        for (AssembledStep s : steps) {
            if (s.phase() == Phase.CLEANUP || !run.state().isDone(s.name()) || run.state().isCleanedUp(s.name())
                    || !hasCleanupHook(s.step())) {
                continue;
            }
            MDC.put(MdcKeys.STEP, s.name());
            RunContext context = new RunContext(run, s.name(), true);
            try {
                // Under the step's own policy, so one throttled call does not leave the resource to
                // a sweep. Not the registry's Retry: the step's metrics there count its runs only.
                StepRetry.run(StepRetry.retryFor(s.name(), spec.retryPolicyFor(s.name()), null),
                        () -> s.step().cleanup(context), context::sleep);
                run.record(Type.STEP_CLEANED_UP, s.name(), Map.of());
                LOG.info("Step {} cleaned up", s.name());
            } catch (RuntimeException e) {
                String message = "Cleaning up after step '" + s.name() + "' failed (" + describe(e) + "); the"
                        + " migration stands. Leftover temporaries carry pv2hvm tags: Migrations.sweep(...) removes them.";
                run.record(Type.WARNING, s.name(), Map.of("message", message));
                run.listeners().fire(new MigrationEvent.Warning(run.migrationId(), run.now(), s.name(), message));
                LOG.warn(message);
                run.record(Type.STEP_CLEANED_UP, s.name(), Map.of("error", describe(e)));
            } finally {
                MDC.remove(MdcKeys.STEP);
            }
        }
    }

    /**
     * Whether the step overrides {@link Step#cleanup}: only those are called and journaled, so a
     * migration whose steps have no hook writes the same journal as before hooks existed.
     */
    private static boolean hasCleanupHook(Step step) {
        try {
            return step.getClass().getMethod("cleanup", StepContext.class).getDeclaringClass() != Step.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Compensates every step that ran, most recent first; returns the exception to throw. */
    private RuntimeException rollBack(Run run, StepAssembly assembly, String failedStep, RuntimeException cause) {
        String id = run.migrationId();
        if (run.state().status() != JournalReplay.Status.ROLLING_BACK) {
            run.record(Type.STEP_FAILED, failedStep, Map.of("error", describe(cause)));
        }
        List<String> rolledBack = new ArrayList<>();
        List<String> notRolledBack = new ArrayList<>();
        for (String name : run.state().toCompensate()) {
            MDC.put(MdcKeys.STEP, name);
            Step step = assembly.placed(name).map(AssembledStep::step).orElse(null);
            if (step == null) {
                String why = name + ": no registered provider supplies this step on this run, so it cannot be"
                        + " undone here (register the provider that ran it and resume)";
                notRolledBack.add(why);
                LOG.error("Cannot compensate {}", why);
                continue;
            }
            try {
                step.compensate(new RunContext(run, name, true));
                run.record(Type.STEP_COMPENSATED, name, Map.of());
                run.listeners().fire(new MigrationEvent.StepCompensated(id, run.now(), name));
                rolledBack.add(name);
                LOG.info("Step {} compensated", name);
            } catch (RuntimeException e) {
                run.record(Type.COMPENSATION_FAILED, name, Map.of("error", describe(e)));
                notRolledBack.add(name + ": " + describe(e));
                LOG.error("Compensating step {} failed: {}", name, describe(e));
            } finally {
                MDC.remove(MdcKeys.STEP);
            }
        }
        run.record(Type.MIGRATION_FAILED, failedStep, Map.of("error", describe(cause)));
        boolean preflight = assembly.placed(failedStep).map(s -> s.phase() == Phase.PREFLIGHT).orElse(false);
        if (cause instanceof PreflightException || (preflight && cause instanceof InvalidSpecException)) {
            return cause; // read-only phase: nothing changed, the typed error says it all
        }
        return new StepFailedException(id, failedStep, cause, rolledBack, notRolledBack);
    }

    private Run newRun(String id, Cancellation cancellation) {
        if (!spec.journal().read(id).isEmpty()) {
            throw new InvalidSpecException("Migration id '" + id + "' already has a journal in "
                    + spec.journal().describe() + ". Use Migration.resume(\"" + id + "\") to continue it, or"
                    + " choose another id.");
        }
        Run run = new Run(id, spec, JournalReplay.fresh(id, spec.clock().instant()), cancellation);
        run.record(Type.MIGRATION_STARTED, null, JournalFormat.startedData(spec.persistentOptions()));
        LOG.info("Migration {} of {} started (journal: {})", id, spec.instanceId(), spec.journal().describe());
        return run;
    }

    private Run resumeRun(String id, Cancellation cancellation) {
        JournalReplay state = JournalReplay.of(id, spec.journal().read(id), spec.journal().describe());
        Map<String, String> journaled = state.options();
        Map<String, String> now = spec.persistentOptions();
        if (!journaled.equals(now)) {
            throw new InvalidSpecException("Migration " + id + " was started with " + journaled
                    + "; a resumed run cannot change that (got " + now + "). Resume without changing these"
                    + " options, or start a new migration.");
        }
        LOG.info("Resuming migration {} of {}", id, spec.instanceId());
        return new Run(id, spec, state, cancellation);
    }

    private MigrationResult result(Run run, StepAssembly assembly, Set<String> doneEarlier) {
        JournalReplay state = run.state();
        List<StepTiming> timings = new ArrayList<>();
        Duration downtime = Duration.ZERO;
        for (AssembledStep s : assembly.steps()) {
            Duration took = state.durationOf(s.name());
            timings.add(StepTiming.builder().step(s.name()).phase(s.phase()).took(took).downtime(s.phase().downtime())
                    .resumed(doneEarlier.contains(s.name())).build());
            if (s.phase().downtime()) {
                downtime = downtime.plus(took);
            }
        }
        Duration total = Duration.between(state.startedAt(), spec.clock().instant());
        return MigrationResult.builder().migrationId(run.migrationId()).sourceInstanceId(spec.instanceId())
                .newInstanceId(run.find(MigrationFacts.NEW_INSTANCE_ID).orElse(null))
                .newImageId(run.find(MigrationFacts.NEW_IMAGE_ID).orElse(null))
                .backupImageId(run.find(MigrationFacts.BACKUP_IMAGE_ID).orElse(null))
                .ipsBefore(ips(run.find(MigrationFacts.IPS_BEFORE))).ipsAfter(ips(run.find(MigrationFacts.IPS_AFTER)))
                .timings(timings)
                .total(total.isNegative() ? Duration.ZERO : total).downtime(downtime).warnings(state.warnings())
                .resourcesKept(state.remainingResources()).facts(resultFacts(state.facts())).build();
    }

    /**
     * The facts a result shows: the well-known {@code result.*} ones. Providers' own facts stay in
     * the journal; they can hold what must not be printed (a source's user data, for one).
     */
    private static Map<String, String> resultFacts(Map<String, String> facts) {
        Map<String, String> shown = new java.util.TreeMap<>();
        facts.forEach((k, v) -> {
            if (k.startsWith("result.")) {
                shown.put(k, v);
            }
        });
        return shown;
    }

    /** The IPs without blanks: a 0.1 journal may hold " a, b" or an empty item. */
    private static List<String> ips(Optional<List<String>> journaled) {
        return journaled.orElse(List.of()).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private String generateId() {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        return "mig-" + ID_TIME.format(spec.clock().instant()) + "-" + HexFormat.of().formatHex(random);
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
