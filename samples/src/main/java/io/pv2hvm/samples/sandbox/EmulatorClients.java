package io.pv2hvm.samples.sandbox;

import io.pv2hvm.testkit.Ec2Emulator;
import java.net.URI;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Real AWS SDK clients pointed at a local emulator (standard retry mode, as for AWS). */
public final class EmulatorClients {

    private EmulatorClients() {
    }

    /** An EC2 client for the emulator at {@code endpoint}; {@code interceptors} see each call (e.g. an {@link ApiCallLog}). */
    public static Ec2Client ec2(URI endpoint, ExecutionInterceptor... interceptors) {
        return Ec2Emulator.ec2ClientBuilder(endpoint).overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                .executionInterceptors(List.of(interceptors))).build();
    }

    /** An SSM client for the emulator at {@code endpoint}; {@code interceptors} see each call. */
    public static SsmClient ssm(URI endpoint, ExecutionInterceptor... interceptors) {
        return Ec2Emulator.ssmClientBuilder(endpoint).overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                .executionInterceptors(List.of(interceptors))).build();
    }

    /** An EC2 client for the emulator at {@code endpoint} that publishes the SDK's call metrics to {@code metrics}. */
    public static Ec2Client ec2(URI endpoint, MetricPublisher metrics) {
        return Ec2Emulator.ec2ClientBuilder(endpoint).overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                .addMetricPublisher(metrics)).build();
    }

    /** An SSM client for the emulator at {@code endpoint} that publishes the SDK's call metrics to {@code metrics}. */
    public static SsmClient ssm(URI endpoint, MetricPublisher metrics) {
        return Ec2Emulator.ssmClientBuilder(endpoint).overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                .addMetricPublisher(metrics)).build();
    }
}
