package io.pv2hvm.core.engine;

import io.pv2hvm.core.spi.Sleeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records requested waits instead of waiting. */
final class FakeSleeper implements Sleeper {
    final List<Duration> waits = new ArrayList<>();

    @Override
    public void sleep(Duration duration) {
        waits.add(duration);
    }
}
