package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

class SmokeTest {

    @RegisterExtension
    static Ec2Emulator aws = Ec2Emulator.builder().world(World.builder().defaultNetwork()
            .image(ImageSeed.pv("ami-0000000000000000a", "centos6-pv"))
            .instance(InstanceSeed.of("i-0123456789abcdef0", "ami-0000000000000000a").privateIp("10.0.1.10"))
            .build()).build();

    @Test
    void describeInstances_returnsSeededInstance() {
        try (Ec2Client ec2 = AwsClients.ec2(aws)) {
            Instance i = ec2.describeInstances(r -> r.instanceIds("i-0123456789abcdef0")).reservations().get(0).instances().get(0);
            assertThat(i.privateIpAddress()).isEqualTo("10.0.1.10");
            assertThat(i.state().nameAsString()).isEqualTo("running");
            assertThat(i.virtualizationTypeAsString()).isEqualTo("paravirtual");
            assertThat(i.blockDeviceMappings()).hasSize(1);
            System.out.println(i);
        }
    }
}
