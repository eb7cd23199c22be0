package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/** The SDK clients {@link Ec2Emulator} hands out: pointed at it, signed with the key it knows. */
class EmulatorClientsTest {

    private static final String KEY = "AKIAHOMEACCOUNT00001";

    private Ec2Emulator aws;

    @AfterEach
    void stop() {
        if (aws != null) {
            aws.stop();
        }
    }

    @Test
    void ec2AndSsmClients_reachTheEmulator_andEachCallIsJournaled() {
        aws = Ec2Emulator.builder().world(Worlds.migration()).build().start();
        try (Ec2Client ec2 = aws.ec2Client(); SsmClient ssm = aws.ssmClient()) {
            assertThat(ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE)).reservations()).hasSize(1);
            ssm.describeInstanceInformation();
        }
        assertThat(aws.journal().calls("DescribeInstances")).hasSize(1);
        assertThat(aws.journal().calls("DescribeInstanceInformation")).hasSize(1);
    }

    @Test
    void clients_signWithTheFirstKeyTheEmulatorWasToldOf_soARefusingEmulatorAcceptsThem() {
        aws = Ec2Emulator.builder().world(Worlds.migration()).accessKey(KEY, "home-secret")
                .accessKey("AKIAOTHERKEY00000002", "other").build().start();
        try (StsClient sts = aws.stsClient(); Ec2Client ec2 = aws.ec2Client()) {
            assertThat(sts.getCallerIdentity().account()).isEqualTo("123456789012");
            ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE));
        }
        assertThat(aws.journal().calls("DescribeInstances")).extracting(RecordedCall::accessKeyId).containsExactly(KEY);
    }

    @Test
    void endpointBuilder_withoutTheEmulatorObject_usesAKeyTheEmulatorAcceptsOnlyWhenToldOfNone() {
        aws = Ec2Emulator.builder().world(Worlds.migration()).build().start();
        try (Ec2Client ec2 = Ec2Emulator.ec2ClientBuilder(aws.endpoint()).build()) {
            assertThat(ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE)).reservations()).hasSize(1);
        }
        aws.stop();
        aws = Ec2Emulator.builder().world(Worlds.migration()).accessKey(KEY, "home-secret").build().start();
        try (Ec2Client ec2 = Ec2Emulator.ec2ClientBuilder(aws.endpoint()).build()) {
            assertThatThrownBy(() -> ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE)))
                    .isInstanceOfSatisfying(Ec2Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AuthFailure"));
        }
    }

    @Test
    void clients_needARunningEmulator() {
        aws = Ec2Emulator.builder().build();
        assertThatThrownBy(() -> aws.ec2Client()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
    }
}
