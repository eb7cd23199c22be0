package io.pv2hvm.samples.cli;

import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationFuture;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.SpecChecks;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Runs a migration so that Ctrl-C (SIGINT) or SIGTERM cancels it at the next safe point: the
 * engine rolls back what ran (past cutover it finishes cleanup instead), the command says what
 * state things are in and how to resume, and exits 130 (SIGINT) or 143 (SIGTERM), as a shell
 * expects of a process a signal stopped. A second signal during the rollback stops at once: the
 * journal then says where, and {@code resume} finishes the rollback.
 */
final class SignalCancellation {
    private static final Map<String, Integer> EXIT_CODES = Map.of("INT", 130, "TERM", 143);

    private final PrintWriter err;
    private final UnaryOperator<String> resumeCommand;
    private final AtomicReference<String> received = new AtomicReference<>();
    private final AtomicReference<String> migrationId = new AtomicReference<>();
    private final AtomicReference<String> currentStep = new AtomicReference<>();
    private final AtomicReference<Phase> currentPhase = new AtomicReference<>();

    /** {@code resumeCommand} gives the command that resumes a migration id. */
    SignalCancellation(PrintWriter err, UnaryOperator<String> resumeCommand) {
        this.err = err;
        this.resumeCommand = resumeCommand;
    }

    /**
     * Runs {@code spec} with the signal handlers installed (and the previous ones restored after).
     *
     * @throws Stopped when a signal stopped the run (after saying so on {@code err})
     */
    MigrationResult run(MigrationSpec spec, Journal journal) {
        SpecChecks.givenMigrationId(spec).ifPresent(migrationId::set);
        MigrationFuture future = spec.withListener(event -> {
            if (event instanceof MigrationEvent.StepStarted started) {
                migrationId.set(started.migrationId());
                currentStep.set(started.step());
                currentPhase.set(started.phase());
            }
        }).runAsync();
        SignalHandler handler = signal -> onSignal(signal.getName(), future, journal);
        Map<String, SignalHandler> previous = new HashMap<>();
        for (String name : EXIT_CODES.keySet()) {
            try {
                previous.put(name, Signal.handle(new Signal(name), handler));
            } catch (IllegalArgumentException ignoredByParent) {
                // e.g. SIGINT ignored in a background job: nothing to handle
            }
        }
        try {
            future.stopped().join();
            String signal = received.get();
            if (signal != null) {
                report(signal, journal);
                throw new Stopped(EXIT_CODES.get(signal));
            }
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the migration", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error x) {
                throw x;
            }
            throw new IllegalStateException(cause);
        } catch (CancellationException e) {
            throw new IllegalStateException("the migration was cancelled", e);
        } finally {
            previous.forEach((name, h) -> Signal.handle(new Signal(name), h));
        }
    }

    private void onSignal(String name, MigrationFuture future, Journal journal) {
        if (!received.compareAndSet(null, name)) {
            // Second signal: stop now; the journal holds what resume needs to finish the rollback.
            err.println("\nSIG" + name + " again: stopping now, without finishing. " + resumeHint());
            err.flush();
            Runtime.getRuntime().halt(EXIT_CODES.get(name));
        }
        Phase phase = currentPhase.get();
        err.println("\nSIG" + name + " received: stopping at the next safe point"
                + (currentStep.get() == null ? "" : " (step " + currentStep.get() + ", phase " + phase + ")")
                + (phase != null && phase.downtime() ? "; the source is stopped (downtime window), rolling back"
                + " brings it back" : "; then rolling back")
                + ". Send it again to stop at once (the rollback can be finished with resume).");
        err.flush();
        future.cancel(false);
    }

    /** Says what the journal shows after the run stopped. */
    private void report(String signal, Journal journal) {
        String id = migrationId.get();
        if (id == null) {
            err.println("Stopped by SIG" + signal + " before the first step: nothing was changed.");
            err.flush();
            return;
        }
        List<JournalEntry> entries = journal.read(id);
        boolean failed = has(entries, JournalEntry.Type.MIGRATION_FAILED);
        boolean succeeded = has(entries, JournalEntry.Type.MIGRATION_SUCCEEDED);
        List<String> notUndone = entries.stream().filter(e -> e.type() == JournalEntry.Type.COMPENSATION_FAILED)
                .map(e -> e.step() + " (" + e.data().get("error") + ")").toList();
        if (succeeded) {
            err.println("Stopped by SIG" + signal + " after cutover: migration " + id + " had already succeeded and"
                    + " finished its cleanup; the new instance runs. " + resumeHint());
        } else if (failed && notUndone.isEmpty()) {
            err.println("Stopped by SIG" + signal + ": migration " + id + " was cancelled and rolled back; the source"
                    + " is as it was before. Nothing is left to resume (" + resumeCommand.apply(id)
                    + " says so); start again with 'pv2hvm migrate'.");
        } else if (failed) {
            err.println("Stopped by SIG" + signal + ": migration " + id + " was cancelled; these steps could not be"
                    + " undone: " + String.join("; ", notUndone) + ". Their resources carry pv2hvm tags and are in the"
                    + " journal: fix the cause, then 'pv2hvm sweep'. " + resumeHint());
        } else {
            err.println("Stopped by SIG" + signal + ": migration " + id + " stopped part-way. " + resumeHint());
        }
        err.flush();
    }

    private String resumeHint() {
        String id = migrationId.get();
        return id == null ? "Nothing was journaled." : "Resume with: " + resumeCommand.apply(id);
    }

    private static boolean has(List<JournalEntry> entries, JournalEntry.Type type) {
        return entries.stream().anyMatch(e -> e.type() == type);
    }

    /** A signal stopped the run; the command exits with {@link #exitCode()}. */
    static final class Stopped extends RuntimeException {
        private final int exitCode;

        Stopped(int exitCode) {
            super(null, null, false, false);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }
}
