package io.pv2hvm.testkit;

import java.time.Duration;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The emulator's SDK clients as the tests use them: standard retries, or each call sent once. */
final class AwsClients {

    private AwsClients() {
    }

    /** An EC2 client with the SDK's standard retries. */
    static Ec2Client ec2(Ec2Emulator emulator) {
        return emulator.ec2Client();
    }

    /** An EC2 client that sends each call once, so tests see throttling and injected errors raw. */
    static Ec2Client ec2NoRetry(Ec2Emulator emulator) {
        return emulator.ec2ClientBuilder().overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    static SsmClient ssm(Ec2Emulator emulator) {
        return emulator.ssmClientBuilder().overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    /** A waiter polling every 20 ms, for up to 500 attempts (10 s): quick at the test time scale. */
    static Ec2Waiter waiter(Ec2Client ec2) {
        return Ec2Waiter.builder().client(ec2).overrideConfiguration(WaiterOverrideConfiguration.builder()
                .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(20))).maxAttempts(500).build()).build();
    }
}
