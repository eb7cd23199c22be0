package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pv2hvm.testkit.junit5.Ec2EmulatorExtension;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The README's five-line example, kept compiling and passing. */
class ReadmeExampleTest {

    // --- README example: begin
    @RegisterExtension static Ec2EmulatorExtension aws = Ec2EmulatorExtension.of(Ec2Emulator.builder().world(World.builder()
            .defaultNetwork().image(ImageSeed.pv("ami-0c0ffee0c0ffee001", "centos6-pv"))
            .instance(InstanceSeed.of("i-0123456789abcdef0", "ami-0c0ffee0c0ffee001").privateIp("10.0.1.10")).build()));
    Ec2Client ec2 = aws.emulator().ec2Client();
    // --- README example: end

    @Test
    void readmeExample_seesThePvInstance_andTheJournalShowsNoMutation() {
        var i = ec2.describeInstances(r -> r.instanceIds("i-0123456789abcdef0")).reservations().get(0).instances().get(0);
        assertThat(i.virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(i.privateIpAddress()).isEqualTo("10.0.1.10");
        assertThat(aws.emulator().journal().mutatingCalls()).isEmpty();
        ec2.close();
    }
}
