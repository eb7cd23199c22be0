package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.spi.ProvidedStep;
import io.pv2hvm.core.spi.RunSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link RunSession#of}: steps and what they own, closed in reverse order, once. */
public final class OwnedSession implements RunSession {
    private static final Logger LOG = LoggerFactory.getLogger(OwnedSession.class);

    private final List<ProvidedStep> steps;
    private final List<AutoCloseable> owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A session of {@code steps} owning {@code owned}. */
    public OwnedSession(List<ProvidedStep> steps, List<AutoCloseable> owned) {
        this.steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        this.owned = List.copyOf(Objects.requireNonNull(owned, "owned"));
    }

    @Override
    public List<ProvidedStep> steps() {
        return steps;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<AutoCloseable> reversed = new ArrayList<>(owned);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warn("Closing {} failed: {}; closing the rest", c, e.toString());
            }
        }
    }
}
