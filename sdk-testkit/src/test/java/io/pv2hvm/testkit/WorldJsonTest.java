package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pv2hvm.testkit.world.World;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The example JSON seed (for {@code --seed}) loads and yields the world it describes. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class WorldJsonTest {

    @Test
    void exampleSeed_describesAPvFleet() throws Exception {
        World world = World.fromJson(Path.of(getClass().getResource("/worlds/pv-fleet.json").toURI()));
        try (Ec2Emulator aws = Ec2Emulator.builder().world(world).build().start();
             Ec2Client ec2 = AwsClients.ec2(aws); SsmClient ssm = AwsClients.ssm(aws)) {
            Instance web = ec2.describeInstances(r -> r.filters(f -> f.name("tag:Name").values("web-1"))).reservations().get(0).instances().get(0);
            assertThat(web.networkInterfaces()).hasSize(2);
            assertThat(web.networkInterfaces().stream().filter(n -> n.attachment().deviceIndex() == 0).findFirst().orElseThrow()
                    .privateIpAddresses()).extracting(a -> a.privateIpAddress()).containsExactly("10.0.1.10", "10.0.1.11");
            assertThat(web.publicIpAddress()).isEqualTo("198.51.100.200");
            assertThat(web.blockDeviceMappings()).extracting(b -> b.deviceName()).containsExactlyInAnyOrder("/dev/sda1", "/dev/sdf");
            assertThat(ec2.describeInstanceAttribute(r -> r.instanceId(web.instanceId()).attribute("disableApiTermination"))
                    .disableApiTermination().value()).isTrue();

            Instance mp = ec2.describeInstances(r -> r.filters(f -> f.name("tag:Name").values("mp-1"))).reservations().get(0).instances().get(0);
            assertThat(mp.productCodes()).extracting(c -> c.productCodeId()).containsExactly("aw0evgkw8e5c1q413zgy5pjce");
            assertThat(mp.publicIpAddress()).isNotNull();
            assertThat(ec2.describeInstances(r -> r.filters(f -> f.name("instance-state-name").values("stopped"))).reservations()).hasSize(1);
            assertThat(ssm.describeInstanceInformation().instanceInformationList()).extracting(i -> i.instanceId())
                    .containsExactly(web.instanceId());
            assertThat(ec2.describeImages(r -> r.imageIds("aki-919dcaf8")).images().get(0).imageTypeAsString()).isEqualTo("kernel");
        }
    }
}
