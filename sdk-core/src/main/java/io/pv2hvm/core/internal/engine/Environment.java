package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.spi.RunEnvironment;
import io.pv2hvm.core.spi.Sleeper;

import java.time.Clock;

/** The {@link RunEnvironment} the engine gives providers when it opens their sessions. */
record Environment(String migrationId, Clock clock, Sleeper sleeper) implements RunEnvironment {
}
