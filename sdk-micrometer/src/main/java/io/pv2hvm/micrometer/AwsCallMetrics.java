package io.pv2hvm.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.metrics.SdkMetric;

import java.time.Duration;
import java.util.List;

/**
 * The AWS SDK's own per-call metrics ({@link MetricPublisher}) as meters by service and action:
 * one call as the client made it, its throttled attempts (the SDK's error type
 * {@code Throttling}: EC2's {@code RequestLimitExceeded}, SSM's {@code ThrottlingException}) and
 * its retries. The SDK publishes on the calling thread once a call ends. Thread-safe.
 */
final class AwsCallMetrics implements MetricPublisher {
    /** The SDK's name for one attempt's collection under a call's. */
    private static final String ATTEMPT = "ApiCallAttempt";
    /** The SDK's {@code ERROR_TYPE} value for a throttled attempt. */
    private static final String THROTTLING = "Throttling";

    private final MeterRegistry registry;

    AwsCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void publish(MetricCollection call) {
        Tags tags = Tags.of(Pv2hvmMeters.SERVICE, first(call, CoreMetric.SERVICE_ID, "unknown"),
                Pv2hvmMeters.ACTION, first(call, CoreMetric.OPERATION_NAME, "unknown"));
        boolean succeeded = first(call, CoreMetric.API_CALL_SUCCESSFUL, false);
        Timer.builder(Pv2hvmMeters.AWS_CALLS).description("AWS API calls made by pv2hvm's clients")
                .tags(tags.and(Pv2hvmMeters.OUTCOME, succeeded ? Pv2hvmMeters.SUCCEEDED : Pv2hvmMeters.FAILED))
                .register(registry).record(first(call, CoreMetric.API_CALL_DURATION, Duration.ZERO));
        long throttled = call.childrenWithName(ATTEMPT)
                .filter(a -> a.metricValues(CoreMetric.ERROR_TYPE).contains(THROTTLING)).count();
        if (throttled > 0) {
            Counter.builder(Pv2hvmMeters.AWS_THROTTLED).description("AWS API attempts refused as throttling")
                    .tags(tags).register(registry).increment(throttled);
        }
        int retries = first(call, CoreMetric.RETRY_COUNT, 0);
        if (retries > 0) {
            Counter.builder(Pv2hvmMeters.AWS_RETRIES).description("AWS API attempts the SDK retried")
                    .tags(tags).register(registry).increment(retries);
        }
    }

    @Override
    public void close() {
        // meters stay in the registry; nothing to release
    }

    private static <T> T first(MetricCollection c, SdkMetric<T> metric, T otherwise) {
        List<T> values = c.metricValues(metric);
        return values.isEmpty() || values.get(0) == null ? otherwise : values.get(0);
    }
}
