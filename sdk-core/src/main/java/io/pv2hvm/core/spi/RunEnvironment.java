package io.pv2hvm.core.spi;

import java.time.Clock;

/** What a provider may use when it opens a run's session: the run's id, clock and sleeper. */
public interface RunEnvironment {

    /** The migration's id (the journal's name). */
    String migrationId();

    /** The run's clock: every deadline and timing should read it. */
    Clock clock();

    /** The run's sleeper: every wait should go through it. */
    Sleeper sleeper();
}
