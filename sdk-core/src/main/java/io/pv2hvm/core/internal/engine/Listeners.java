package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Calls every listener, so that a throwing listener can neither stop the others nor the migration. */
final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<MigrationListener> listeners;

    Listeners(List<MigrationListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    void fire(MigrationEvent event) {
        for (MigrationListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Listener {} threw {}; ignored", l.getClass().getName(), e.toString());
            }
        }
    }
}
