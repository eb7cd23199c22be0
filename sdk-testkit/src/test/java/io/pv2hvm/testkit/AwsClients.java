package io.pv2hvm.testkit;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Real AWS SDK clients pointed at an emulator: us-east-1, dummy credentials, Apache 5 HTTP. */
final class AwsClients {

    private AwsClients() {
    }

    static SdkHttpClient http() {
        return Apache5HttpClient.builder().maxConnections(64).build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAEMULATOR", "emulator-secret"));
    }

    /** An EC2 client with the SDK's standard retries. */
    static Ec2Client ec2(Ec2Emulator emulator) {
        return Ec2Client.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)).build();
    }

    /** An EC2 client that sends each call once, so tests see throttling and injected errors raw. */
    static Ec2Client ec2NoRetry(Ec2Emulator emulator) {
        return Ec2Client.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    static SsmClient ssm(Ec2Emulator emulator) {
        return SsmClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    /** A waiter polling every 20 ms, for up to 500 attempts (10 s): quick at the test time scale. */
    static Ec2Waiter waiter(Ec2Client ec2) {
        return Ec2Waiter.builder().client(ec2).overrideConfiguration(WaiterOverrideConfiguration.builder()
                .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(20))).maxAttempts(500).build()).build();
    }
}
