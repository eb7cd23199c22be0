package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.MigrationOptions;
import io.pv2hvm.core.spi.RunEnvironment;
import io.pv2hvm.core.spi.RunSession;
import io.pv2hvm.core.spi.StepProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** The open sessions of one run, one per provider; closing closes each, the last opened first. */
final class Sessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    private final List<StepAssembly.Contribution> contributions = new ArrayList<>();
    private final List<RunSession> open = new ArrayList<>();

    private Sessions() {
    }

    /** Opens a session of each provider; if one fails to open, those already open are closed. */
    static Sessions open(List<StepProvider> providers, MigrationOptions options, RunEnvironment environment) {
        Sessions sessions = new Sessions();
        try {
            for (StepProvider provider : providers) {
                RunSession session = provider.open(options, environment);
                sessions.open.add(session);
                sessions.contributions.add(new StepAssembly.Contribution(provider.name(), session.steps()));
            }
        } catch (RuntimeException | Error e) {
            sessions.close();
            throw e;
        }
        return sessions;
    }

    List<StepAssembly.Contribution> contributions() {
        return contributions;
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            RunSession session = open.get(i);
            try {
                session.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing the session {} failed: {}; closing the rest", session, e.toString());
            }
        }
        open.clear();
    }
}
