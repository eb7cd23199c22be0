package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/** The standalone server: options, a JSON world seed, and a plain SDK client on loopback. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class StandaloneTest {

    @TempDir
    Path tmp;

    @Test
    void seededServer_answersAPlainSdkClientOnLoopback() throws Exception {
        Path seed = tmp.resolve("world.json");
        Files.writeString(seed, """
                {
                  "vpcs": [{"id": "vpc-0d1e2f3a4b5c6d7e8", "cidr": "10.0.0.0/16"}],
                  "subnets": [{"id": "subnet-0a1b2c3d4e5f60001", "vpcId": "vpc-0d1e2f3a4b5c6d7e8",
                               "availabilityZone": "us-east-1a", "cidr": "10.0.1.0/24", "mapPublicIpOnLaunch": false}],
                  "securityGroups": [{"id": "sg-0a1b2c3d4e5f60001", "name": "default", "vpcId": "vpc-0d1e2f3a4b5c6d7e8"}],
                  "images": [{"id": "ami-0c0ffee0c0ffee001", "name": "centos6-pv", "virtualizationType": "paravirtual",
                              "kernelId": "aki-919dcaf8", "rootDeviceName": "/dev/sda1", "rootSizeGiB": 10}],
                  "instances": [{"id": "i-0123456789abcdef0", "imageId": "ami-0c0ffee0c0ffee001", "instanceType": "m1.large",
                                 "privateIp": "10.0.1.10", "tags": {"Name": "web-1"},
                                 "dataVolumes": [{"device": "/dev/sdf", "sizeGiB": 100}]}]
                }
                """);
        Ec2Emulator aws = Ec2EmulatorMain.fromArgs("--port", "0", "--seed", seed.toString(), "--time-scale", "0.01", "--throttling");
        aws.start();
        try (Ec2Client ec2 = AwsClients.ec2(aws)) {
            assertThat(aws.endpoint().getHost()).isEqualTo("localhost");
            Instance i = ec2.describeInstances(r -> r.filters(f -> f.name("tag:Name").values("web-1"))).reservations().get(0).instances().get(0);
            assertThat(i.instanceId()).isEqualTo("i-0123456789abcdef0");
            assertThat(i.privateIpAddress()).isEqualTo("10.0.1.10");
            assertThat(i.blockDeviceMappings()).hasSize(2);
            assertThat(ec2.describeVolumes(r -> r.filters(f -> f.name("attachment.device").values("/dev/sda1"))).volumes().get(0).size())
                    .isEqualTo(10);
        } finally {
            aws.stop();
        }
    }

    @Test
    void unknownOption_isRejected_andHelpBuildsNothing() {
        assertThatThrownBy(() -> Ec2EmulatorMain.fromArgs("--frobnicate")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Ec2EmulatorMain.fromArgs("--help")).isNull();
    }

    @Test
    void seedWithUnknownField_failsLoudly() throws Exception {
        Path seed = tmp.resolve("bad.json");
        Files.writeString(seed, "{\"instancez\": []}");
        assertThatThrownBy(() -> Ec2EmulatorMain.fromArgs("--seed", seed.toString())).hasMessageContaining("bad.json");
    }
}
