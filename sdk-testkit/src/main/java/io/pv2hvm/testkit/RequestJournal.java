package io.pv2hvm.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Every request the emulator answered, in arrival order, so a test can prove which calls a
 * migration made, with which parameters, and that no mutating call happened. Keeps the most
 * recent {@value #DEFAULT_CAPACITY} calls so a long standalone run does not grow without
 * bound. Thread-safe.
 */
public final class RequestJournal {

    /** Calls kept before the oldest are dropped. */
    public static final int DEFAULT_CAPACITY = 1_000_000;

    private final Deque<RecordedCall> calls = new ArrayDeque<>();
    private final int capacity;
    private long dropped;

    /** A journal keeping {@value #DEFAULT_CAPACITY} calls. */
    public RequestJournal() {
        this(DEFAULT_CAPACITY);
    }

    /** A journal keeping the most recent {@code capacity} calls. */
    public RequestJournal(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Appends a call (used by the emulator). */
    public synchronized void record(RecordedCall call) {
        if (calls.size() == capacity) {
            calls.removeFirst();
            dropped++;
        }
        calls.addLast(call);
    }

    /** All kept calls in arrival order. */
    public synchronized List<RecordedCall> all() {
        return List.copyOf(calls);
    }

    /** Calls of one action, in arrival order. */
    public synchronized List<RecordedCall> calls(String action) {
        List<RecordedCall> out = new ArrayList<>();
        for (RecordedCall c : calls) {
            if (c.action().equals(action)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Number of kept calls of one action. */
    public int count(String action) {
        return calls(action).size();
    }

    /** Calls that change state (see {@link RecordedCall#mutating()}). */
    public synchronized List<RecordedCall> mutatingCalls() {
        return calls.stream().filter(RecordedCall::mutating).toList();
    }

    /** How many calls were dropped because the journal was full. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Forgets every call. */
    public synchronized void clear() {
        calls.clear();
        dropped = 0;
    }
}
