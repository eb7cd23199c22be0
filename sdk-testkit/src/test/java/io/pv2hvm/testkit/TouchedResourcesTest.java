package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pv2hvm.testkit.world.World;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The journal records, for each call, the resource ARNs IAM would authorize and their tags when
 * the call arrived; a created resource appears as {@code type/*} without tags, and network
 * interfaces a launch creates take its network-interface tags.
 */
class TouchedResourcesTest {
    private static final String ARN = "arn:aws:ec2:us-east-1:123456789012:";

    private final ManualClock clock = ManualClock.create();
    private Ec2Emulator aws;
    private Ec2Client ec2;

    @BeforeEach
    void start() {
        aws = Ec2Emulator.builder().world(Worlds.migration()).clock(clock).latency(LatencyModel.realistic()).build().start();
        ec2 = AwsClients.ec2(aws);
    }

    @AfterEach
    void stop() {
        ec2.close();
        aws.stop();
    }

    @Test
    void eachCall_recordsTheArnsItTouches_withTheirTagsWhenItArrived() {
        Tag mine = Tag.builder().key("pv2hvm:migration-id").value("mig-1").build();
        String id = ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1)
                .maxCount(1).subnetId(World.SUBNET_A).tagSpecifications(
                        t -> t.resourceType(ResourceType.INSTANCE).tags(mine),
                        t -> t.resourceType(ResourceType.NETWORK_INTERFACE).tags(mine))).instances().get(0).instanceId();
        ec2.describeInstanceAttribute(r -> r.instanceId(id).attribute("instanceType"));
        ec2.createTags(r -> r.resources(id).tags(Tag.builder().key("later").value("yes").build()));
        ec2.terminateInstances(r -> r.instanceIds(id, Worlds.SOURCE));

        RecordedCall launch = aws.journal().calls("RunInstances").get(0);
        assertThat(launch.resources()).filteredOn(TouchedResource::created).extracting(TouchedResource::arn)
                .containsExactlyInAnyOrder(ARN + "instance/*", ARN + "volume/*", ARN + "network-interface/*");
        assertThat(launch.resources()).filteredOn(r -> !r.created()).extracting(TouchedResource::type)
                .contains("image", "subnet");
        assertThat(aws.journal().calls("DescribeInstanceAttribute").get(0).resources()).singleElement()
                .satisfies(r -> assertThat(r.tags()).containsExactly(java.util.Map.entry("pv2hvm:migration-id", "mig-1")));
        List<TouchedResource> terminated = aws.journal().calls("TerminateInstances").get(0).resources();
        assertThat(terminated).extracting(TouchedResource::arn).containsExactly(ARN + "instance/" + id, ARN + "instance/" + Worlds.SOURCE);
        assertThat(terminated.get(0).tags()).containsEntry("later", "yes");
        assertThat(aws.journal().calls("DescribeInstances")).allSatisfy(c -> assertThat(c.resources()).isEmpty());

        String eni = ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0)
                .networkInterfaces().get(0).networkInterfaceId();
        assertThat(ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni)).networkInterfaces().get(0).tagSet())
                .contains(mine);
    }

    @Test
    void detachByVolumeAlone_touchesTheInstanceItIsAttachedTo() {
        ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE));
        ec2.detachVolume(r -> r.volumeId(Worlds.DATA_VOLUME));
        assertThat(aws.journal().calls("DetachVolume").get(0).resources()).extracting(TouchedResource::arn)
                .containsExactly(ARN + "instance/" + Worlds.SOURCE, ARN + "volume/" + Worlds.DATA_VOLUME);
    }
}
