package io.pv2hvm.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pv2hvm.aws.ThrottlingCategory;

import java.time.Duration;
import java.util.Locale;
import java.util.function.BiConsumer;

/** Each wait for a permit of pv2hvm's rate limits ({@code Ec2RateLimits.onWait}) as a timer by action and category. */
final class RateLimitWaitMetrics implements BiConsumer<String, Duration> {
    private final MeterRegistry registry;

    RateLimitWaitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void accept(String action, Duration waited) {
        Timer.builder(Pv2hvmMeters.RATE_LIMIT_WAIT).description("waits for a permit of pv2hvm's EC2 and SSM rate limits")
                .tags(Pv2hvmMeters.ACTION, action,
                        Pv2hvmMeters.CATEGORY, ThrottlingCategory.of(action).name().toLowerCase(Locale.ROOT))
                .register(registry).record(waited);
    }
}
