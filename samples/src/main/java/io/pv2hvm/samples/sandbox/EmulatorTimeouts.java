package io.pv2hvm.samples.sandbox;

import io.pv2hvm.aws.AwsTimeouts;

import java.time.Duration;

/**
 * EC2 waits for an emulator whose latencies run {@code timeScale} times EC2's: polls and
 * timeouts shrink with it (with headroom, since a loaded machine is slower than the model),
 * worker commands keep real time.
 */
public final class EmulatorTimeouts {
    private EmulatorTimeouts() {
    }

    /** The timeouts for an emulator at {@code timeScale} (1 means real EC2 latencies: the defaults). */
    public static AwsTimeouts forTimeScale(double timeScale) {
        if (!(timeScale > 0) || timeScale > 1) {
            throw new IllegalArgumentException("an emulator time scale is in (0, 1]: " + timeScale);
        }
        if (timeScale == 1) {
            return AwsTimeouts.defaults();
        }
        AwsTimeouts scaled = AwsTimeouts.defaults().scaled(timeScale);
        return AwsTimeouts.builder().poll(Duration.ofMillis(Math.max(5, scaled.poll().toMillis())))
                .instanceState(scaled.instanceState().multipliedBy(4)).statusChecks(scaled.statusChecks().multipliedBy(4))
                .volume(scaled.volume().multipliedBy(4)).snapshot(scaled.snapshot()).image(scaled.image().multipliedBy(4))
                .ipRelease(scaled.ipRelease().multipliedBy(4)).command(Duration.ofMinutes(5))
                .agentOnline(scaled.agentOnline().multipliedBy(4)).build();
    }
}
