package io.pv2hvm.aws.internal;

import io.pv2hvm.core.MigrationCancelledException;
import io.pv2hvm.core.spi.StepContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Shared poll rounds of one resource kind (instances, volumes, ...): every id that some wait of the
 * fleet watches goes into each round, so one Describe answers all of them and calls grow with
 * rounds, not with migrations.
 *
 * <p>Each watch keeps its own schedule (its {@link Waits} gaps). When it looks, it takes the last
 * round's answer if that round started after its previous look (so the answer is at most one of
 * its own gaps old, and everyone due within a gap of a round shares it); else it joins the round
 * in flight that started after its previous look, or starts one. A watch's first look
 * always comes from a round started after the watch began (the change it waits for came after
 * the step's own call). A round's calls are split among the watches it served
 * ({@link AwsCalls#callShared}). A failed round fails its leader only; the others look again on
 * their own, so one migration's error does not become twenty.
 *
 * @param <T> what the describe answers per id
 */
public final class SharedDescribe<T> {
    /** One round's describe: the answers for {@code ids} (absent: not visible), its calls split among {@code owners}. */
    @FunctionalInterface
    public interface Describe<T> {
        Map<String, T> describe(List<String> ids, AwsCalls leader, List<AwsCalls> owners);
    }

    /** How often a watch that joined a round in flight checks whether its migration was cancelled. */
    private static final long CANCEL_CHECK_MILLIS = 20;

    private final String action;
    private final Describe<T> describe;
    /** The longest gap of a wait ({@link io.pv2hvm.aws.AwsTimeouts#poll()}): the widest spacing of rounds. */
    private final long intervalNanos;
    /** When the last round started (0: none yet). */
    private long lastStart;
    private final List<Watch> watches = new ArrayList<>();
    private Round<T> inFlight;
    private Round<T> last;
    private long rounds;

    /** Rounds of {@code action}, spaced by at most {@code interval} (a wait's longest gap) in a fleet. */
    public SharedDescribe(AwsAction action, java.time.Duration interval, Describe<T> describe) {
        this.action = action.awsName();
        this.describe = describe;
        this.intervalNanos = interval.toNanos();
    }

    /**
     * How far apart rounds start: one migration alone polls as its waits say (no spacing: a
     * single migration's window is what it was); once two or more migrations watch, rounds of a
     * kind start at most once per interval (a wait's longest gap), so the watches' quick first
     * looks join the next common round and a fleet pays one call per kind per interval, whatever
     * its size and however its waits' schedules interleave.
     */
    private long spacing() {
        long owners = watches.stream().map(w -> w.owner).distinct().count();
        return owners <= 1 ? 0 : intervalNanos;
    }

    /** The action of the rounds as AWS names it, e.g. DescribeInstances. */
    public String action() {
        return action;
    }

    /** Rounds started so far. */
    public synchronized long rounds() {
        return rounds;
    }

    /** Ids watched now (for tests and progress). */
    public synchronized List<String> watchedIds() {
        return watches.stream().map(w -> w.id).distinct().toList();
    }

    /** Starts watching {@code id} for a wait of the migration counted by {@code owner}. */
    public synchronized Watch watch(String id, AwsCalls owner) {
        Watch w = new Watch(this, id, owner, System.nanoTime());
        watches.add(w);
        return w;
    }

    private synchronized void unwatch(Watch w) {
        watches.remove(w);
    }

    /**
     * What a round started after this watch's previous look says about its id: empty when the id
     * is not visible (eventual consistency, or gone).
     */
    public Optional<T> look(Watch w, StepContext ctx) {
        return look(w, Pacing.of(ctx));
    }

    /**
     * {@link #look(Watch, StepContext)} for a waiter outside a step (a transport): it waits and
     * checks for cancellation as {@code pacing} says.
     */
    public Optional<T> look(Watch w, Pacing pacing) {
        while (true) {
            Round<T> round = null;
            boolean lead = false;
            long delay = 0;
            synchronized (this) {
                // Real time, not a migration's clock: rounds are spaced for every migration of a fleet at
                // once, each of which may have its own clock; the waits between them go through the pacing.
                long now = System.nanoTime();
                if (inFlight == null && last != null && last.start > w.lastStart) {
                    w.lastStart = last.start;
                    return Optional.ofNullable(last.answers.get(w.id));
                }
                if (inFlight == null && rounds > 0 && now - lastStart < spacing()) {
                    delay = lastStart + spacing() - now; // a round comes soon enough: look then
                } else if (inFlight == null) {
                    lastStart = now;
                    inFlight = new Round<>(now, watches.stream().map(x -> x.id).collect(
                            java.util.stream.Collectors.toCollection(LinkedHashSet::new)),
                            watches.stream().map(x -> x.owner).toList());
                    rounds++;
                    lead = true;
                }
                round = inFlight;
            }
            if (round == null) {
                pacing.sleep(java.time.Duration.ofNanos(delay)); // cancellable, like the wait's own gaps
                continue;
            }
            if (lead) {
                lead(round, w.owner);
            } else {
                await(round, pacing);
            }
            if (round.failure != null) {
                if (lead && interrupted(round.failure)) {
                    // the leader's migration was cancelled during its call: that is a cancellation, not an EC2 error
                    Thread.currentThread().interrupt();
                    throw pacing.cancelled();
                }
                if (lead) {
                    throw round.failure;
                }
                continue; // the leader's error: look again, leading a round of our own if need be
            }
            if (round.start > w.lastStart) {
                w.lastStart = round.start;
                return Optional.ofNullable(round.answers.get(w.id));
            }
            // that round was older than our previous look: the next one serves us
        }
    }

    private static boolean interrupted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof software.amazon.awssdk.core.exception.AbortedException || t instanceof InterruptedException) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }

    private void lead(Round<T> round, AwsCalls leader) {
        try {
            round.answers = Map.copyOf(describe.describe(List.copyOf(round.ids), leader, round.owners));
        } catch (RuntimeException e) {
            round.failure = e;
        } finally {
            synchronized (this) {
                inFlight = null;
                if (round.failure == null) {
                    last = round;
                }
            }
            round.done.complete(null);
        }
    }

    private void await(Round<T> round, Pacing pacing) {
        while (true) {
            try {
                round.done.get(CANCEL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                pacing.checkCancelled();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pacing.checkCancelled();
                throw pacing.cancelled();
            } catch (ExecutionException e) {
                return; // never completed exceptionally: the failure travels in the round
            }
        }
    }

    /**
     * How a watch waits between looks and notices that its waiter was cancelled: a step's
     * cancellable sleep and safe point ({@link #of(StepContext)}), or a transport's own.
     */
    public interface Pacing {
        /** Sleeps; throws (the waiter's cancellation) when the waiter is cancelled meanwhile. */
        void sleep(java.time.Duration duration);

        /** Throws the waiter's cancellation if it was cancelled (e.g. its thread interrupted). */
        void checkCancelled();

        /**
         * What to throw when the waiter was cancelled during a round (the thread is interrupted
         * when this is called; the pacing decides whether it stays so).
         */
        RuntimeException cancelled();

        /** A step's pacing: its cancellable sleep, its safe point, {@link MigrationCancelledException}. */
        static Pacing of(StepContext ctx) {
            return new Pacing() {
                @Override
                public void sleep(java.time.Duration duration) {
                    ctx.sleep(duration);
                }

                @Override
                public void checkCancelled() {
                    ctx.checkCancelled();
                }

                @Override
                public RuntimeException cancelled() {
                    return new MigrationCancelledException(ctx.migrationId());
                }
            };
        }
    }

    /** One id watched by one wait; {@link #close()} ends it. */
    public static final class Watch implements AutoCloseable {
        private final SharedDescribe<?> kind;
        private final String id;
        private final AwsCalls owner;
        /** The start of the round this watch last took an answer from (at first: when it began). */
        private long lastStart;

        private Watch(SharedDescribe<?> kind, String id, AwsCalls owner, long begun) {
            this.kind = kind;
            this.id = id;
            this.owner = owner;
            this.lastStart = begun;
        }

        public String id() {
            return id;
        }

        @Override
        public void close() {
            kind.unwatch(this);
        }
    }

    private static final class Round<T> {
        final long start;
        final LinkedHashSet<String> ids;
        final List<AwsCalls> owners;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile Map<String, T> answers = new HashMap<>();
        volatile RuntimeException failure;

        Round(long start, LinkedHashSet<String> ids, List<AwsCalls> owners) {
            this.start = start;
            this.ids = ids;
            this.owners = owners;
        }
    }
}
