package io.pv2hvm.samples.sandbox;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.net.URI;
import java.util.List;

/** Real AWS SDK clients pointed at a local emulator (standard retry mode, as for AWS). */
public final class EmulatorClients {
    /** The emulator accepts any credentials; these are not secrets. */
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIASANDBOX", "sandbox-not-a-secret"));

    private EmulatorClients() {
    }

    /** An EC2 client for the emulator at {@code endpoint}; {@code interceptors} see each call (e.g. an {@link ApiCallLog}). */
    public static Ec2Client ec2(URI endpoint, ExecutionInterceptor... interceptors) {
        return Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).executionInterceptors(List.of(interceptors)))
                .build();
    }

    /** An SSM client for the emulator at {@code endpoint}; {@code interceptors} see each call. */
    public static SsmClient ssm(URI endpoint, ExecutionInterceptor... interceptors) {
        return SsmClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).executionInterceptors(List.of(interceptors)))
                .build();
    }

    /** An EC2 client for the emulator at {@code endpoint} that publishes the SDK's call metrics to {@code metrics}. */
    public static Ec2Client ec2(URI endpoint, MetricPublisher metrics) {
        return Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).addMetricPublisher(metrics))
                .build();
    }

    /** An SSM client for the emulator at {@code endpoint} that publishes the SDK's call metrics to {@code metrics}. */
    public static SsmClient ssm(URI endpoint, MetricPublisher metrics) {
        return SsmClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).addMetricPublisher(metrics))
                .build();
    }
}
