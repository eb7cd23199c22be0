package io.pv2hvm.aws;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.core.exception.AcquirePermissionCancelledException;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.spi.SpecChecks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One run of a fleet. The calling thread dispatches the migrations in order, each only once a
 * semaphore {@link Bulkhead} of {@code maxConcurrent} permits grants it one, onto a pool of at most
 * {@code maxConcurrent} threads. A migration waiting its turn is an entry in the list, not a
 * parked thread: a fleet of 100 at 5 at a time uses 5 threads, whatever its size. (A semaphore
 * bulkhead inside tasks already handed to an executor would park one thread per waiting
 * migration; a thread-pool bulkhead would need a queue sized to the fleet and cannot interrupt
 * just the running ones.)
 */
final class FleetRun {
    /** The bulkhead's name, in a {@link FleetSpec#bulkheadRegistry} too. */
    static final String BULKHEAD_NAME = "pv2hvm-fleet";
    /** How long one wait for a bulkhead permit lasts before the dispatcher simply waits again. */
    private static final Duration PERMIT_WAIT = Duration.ofHours(1);

    private final List<MigrationSpec> specs;
    private final int maxConcurrent;
    private final FleetCalls calls;
    private final Consumer<FleetResult.Outcome> onEach;
    private final Bulkhead bulkhead;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final Set<Thread> active = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    FleetRun(List<MigrationSpec> specs, int maxConcurrent, FleetCalls calls, Consumer<FleetResult.Outcome> onEach,
             BulkheadRegistry registry) {
        this.specs = List.copyOf(specs);
        this.maxConcurrent = maxConcurrent;
        this.calls = calls;
        this.onEach = onEach;
        BulkheadConfig config = BulkheadConfig.custom().maxConcurrentCalls(maxConcurrent)
                .maxWaitDuration(PERMIT_WAIT).build();
        if (registry == null) {
            this.bulkhead = Bulkhead.of(BULKHEAD_NAME, config);
        } else {
            // A registry hands out the bulkhead it already has under a name: this run's limit replaces it.
            registry.remove(BULKHEAD_NAME);
            this.bulkhead = registry.bulkhead(BULKHEAD_NAME, config);
        }
    }

    FleetResult run() {
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxConcurrent, maxConcurrent, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "pv2hvm-fleet-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        // The fleet's migrations are shaped alike (FleetSpec.each), so they share the spec's clock.
        java.time.Clock clock = SpecChecks.givenClock(specs.get(0));
        java.time.Instant start = clock.instant();
        List<CompletableFuture<FleetResult.Outcome>> started = new ArrayList<>();
        try {
            for (MigrationSpec spec : specs) {
                if (stopping || !acquirePermit()) {
                    break;
                }
                started.add(CompletableFuture.supplyAsync(() -> runOne(spec), pool));
            }
            List<FleetResult.Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                outcomes.add(i < started.size() ? await(started.get(i)) : notStarted(specs.get(i)));
            }
            Duration makespan = Duration.between(start, clock.instant());
            return FleetResult.builder().outcomes(outcomes).makespan(makespan).maxConcurrent(maxConcurrent)
                    .peakConcurrency(peak.get()).build();
        } finally {
            pool.shutdown();
            if (stopping) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for a bulkhead permit; false when the caller was interrupted (the run then stops). */
    private boolean acquirePermit() {
        while (true) {
            try {
                bulkhead.acquirePermission();
                return true;
            } catch (BulkheadFullException e) {
                // every migration is still running after an hour: wait again
            } catch (AcquirePermissionCancelledException e) {
                stop();
                return false;
            }
        }
    }

    private FleetResult.Outcome runOne(MigrationSpec spec) {
        active.add(Thread.currentThread()); // before the check, so a stop() either sees it or is seen
        if (stopping) {
            active.remove(Thread.currentThread());
            bulkhead.onComplete();
            return notStarted(spec);
        }
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        MigrationResult result = null;
        MigrationException error = null;
        try {
            result = spec.run();
        } catch (MigrationException e) {
            error = e;
        } catch (RuntimeException e) {
            error = new MigrationException("The migration of " + spec.options().instanceId() + " failed unexpectedly: " + e, e,
                    false);
        } finally {
            running.decrementAndGet();
            active.remove(Thread.currentThread());
            bulkhead.onComplete();
        }
        String id = spec.options().instanceId();
        FleetResult.Outcome outcome = new FleetResult.Outcome(id, result, error, calls.apiCalls(id),
                calls.throttlingErrors(id), calls.rateLimitWait(id));
        try {
            onEach.accept(outcome);
        } catch (RuntimeException ignored) {
            // the listener's failure is not the migration's
        }
        return outcome;
    }

    /** The outcome of a started migration; an interrupt stops the fleet and still waits for it. */
    private FleetResult.Outcome await(CompletableFuture<FleetResult.Outcome> future) {
        while (true) {
            try {
                return future.get();
            } catch (InterruptedException e) {
                stop();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("fleet task failed", e.getCause()); // runOne catches every RuntimeException
            }
        }
    }

    /** Starts nothing more and interrupts the running migrations: they roll back at their next wait. */
    private void stop() {
        stopping = true;
        active.forEach(Thread::interrupt);
    }

    private FleetResult.Outcome notStarted(MigrationSpec spec) {
        String id = spec.options().instanceId();
        return new FleetResult.Outcome(id, null, new MigrationException("Not started: the fleet run was"
                + " interrupted before the migration of " + id + " began; nothing was changed for it.",
                null, true), 0, 0, Duration.ZERO);
    }
}
