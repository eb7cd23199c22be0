package io.pv2hvm.aws.internal;

import io.pv2hvm.core.spi.StepContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The wait a thread is in ({@link Waits}): while it lasts, describes of one resource go through
 * the fleet's {@link SharedDescribe} rounds, watching the id from the first look until the wait
 * ends. Outside a wait, a describe is a call of its own (a step reading a resource once wants it
 * now, not from a round). A wait inside a wait (a probe that waits out NotFound) belongs to the
 * outer one, so its looks keep their schedule across the outer loop.
 */
final class WaitScope implements AutoCloseable {
    private static final ThreadLocal<WaitScope> CURRENT = new ThreadLocal<>();

    private final StepContext ctx;
    private final Map<SharedDescribe<?>, Map<String, SharedDescribe.Watch>> watches = new HashMap<>();
    private final boolean outer;

    private WaitScope(StepContext ctx, boolean outer) {
        this.ctx = ctx;
        this.outer = outer;
    }

    /** Enters a wait: the thread's current one if it is in one already. */
    static WaitScope enter(StepContext ctx) {
        WaitScope current = CURRENT.get();
        if (current != null) {
            return new WaitScope(current.ctx, false);
        }
        WaitScope scope = new WaitScope(ctx, true);
        CURRENT.set(scope);
        return scope;
    }

    /** The wait this thread is in, if any. */
    static Optional<WaitScope> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** {@code id} as the round of {@code kind} this wait's look is due for says, watching it from now on. */
    <T> Optional<T> look(SharedDescribe<T> kind, String id, AwsCalls owner) {
        SharedDescribe.Watch w = watches.computeIfAbsent(kind, k -> new HashMap<>())
                .computeIfAbsent(id, i -> kind.watch(i, owner));
        return kind.look(w, ctx);
    }

    @Override
    public void close() {
        if (!outer) {
            return;
        }
        CURRENT.remove();
        List<SharedDescribe.Watch> all = new ArrayList<>();
        watches.values().forEach(m -> all.addAll(m.values()));
        all.forEach(SharedDescribe.Watch::close);
    }
}
