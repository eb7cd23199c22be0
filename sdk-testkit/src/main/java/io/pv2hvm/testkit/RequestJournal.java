package io.pv2hvm.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every request the emulator answered, in arrival order, so a test can prove which calls a
 * migration made, with which parameters, and that no mutating call happened. Thread-safe.
 */
public final class RequestJournal {

    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();

    /** Appends a call (used by the emulator). */
    public void record(RecordedCall call) {
        calls.add(call);
    }

    /** All calls in arrival order. */
    public List<RecordedCall> all() {
        return List.copyOf(calls);
    }

    /** Calls of one action, in arrival order. */
    public List<RecordedCall> calls(String action) {
        List<RecordedCall> out = new ArrayList<>();
        for (RecordedCall c : calls) {
            if (c.action().equals(action)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Number of calls of one action. */
    public int count(String action) {
        return calls(action).size();
    }

    /** Calls that change state (see {@link RecordedCall#mutating()}). */
    public List<RecordedCall> mutatingCalls() {
        return calls.stream().filter(RecordedCall::mutating).toList();
    }

    /** Forgets every call. */
    public void clear() {
        calls.clear();
    }
}
