package io.pv2hvm.testkit.internal.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * The model's timeline. Transitions are not driven by threads: each is an event due at an
 * instant, applied lazily (in time order) whenever the model is read or changed. This keeps
 * tests deterministic under a manual clock and costs nothing while nobody asks.
 * Not thread-safe on its own: the model calls it under its lock.
 */
public final class Scheduler {

    private record Event(Instant due, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final Clock clock;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long seq;
    /** While an event runs, "now" is its due time so chained events keep exact offsets. */
    private Instant eventTime;

    public Scheduler(Clock clock) {
        this.clock = clock;
    }

    public Instant now() {
        return eventTime != null ? eventTime : clock.instant();
    }

    /** Runs {@code action} once the model time reaches now + delay. */
    public void after(Duration delay, Runnable action) {
        queue.add(new Event(now().plus(delay), seq++, action));
    }

    /** Applies every event due by the clock's current instant. */
    public void advance() {
        Instant limit = clock.instant();
        while (!queue.isEmpty() && !queue.peek().due.isAfter(limit)) {
            Event e = queue.poll();
            eventTime = e.due;
            try {
                e.action.run();
            } finally {
                eventTime = null;
            }
        }
    }
}
