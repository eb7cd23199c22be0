package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.world.World;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Volume;

/** Instance transitions on the scaled latency model, observed with the SDK's own waiters. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class InstanceLifecycleTest extends MigrationWorldTest {

    private Instance describe(String id) {
        return ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    private String launch(String imageId, String type) {
        return ec2.runInstances(r -> r.imageId(imageId).instanceType(type).minCount(1).maxCount(1)
                .subnetId(World.SUBNET_A)).instances().get(0).instanceId();
    }

    @Test
    void runInstances_fromPvImage_isPendingThenRunningWithRootFromImageSnapshot() {
        Instance launched = ec2.runInstances(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m3.medium").minCount(1).maxCount(1)
                .subnetId(World.SUBNET_A)).instances().get(0);
        String id = launched.instanceId();

        assertThat(launched.state().name()).isEqualTo(InstanceStateName.PENDING);
        waiter.waitUntilInstanceRunning(r -> r.instanceIds(id)).matched().response().orElseThrow();

        Instance running = describe(id);
        assertThat(running.state().name()).isEqualTo(InstanceStateName.RUNNING);
        assertThat(running.virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(running.kernelId()).isEqualTo("aki-919dcaf8");
        assertThat(running.instanceId()).isEqualTo(id);
        String rootVolume = running.blockDeviceMappings().stream().filter(b -> b.deviceName().equals("/dev/sda1"))
                .findFirst().orElseThrow().ebs().volumeId();
        Volume root = ec2.describeVolumes(r -> r.volumeIds(rootVolume)).volumes().get(0);
        assertThat(root.snapshotId()).isEqualTo(Worlds.PV_ROOT_SNAPSHOT);
        assertThat(root.attachments().get(0).deleteOnTermination()).isTrue();
        assertThat(running.privateIpAddress()).startsWith("10.0.1.");
    }

    @Test
    void stopStartTerminate_walkThroughEveryStateWithWaiters() {
        String id = Worlds.SOURCE;

        assertThat(ec2.stopInstances(r -> r.instanceIds(id)).stoppingInstances().get(0).currentState().name())
                .isEqualTo(InstanceStateName.STOPPING);
        waiter.waitUntilInstanceStopped(r -> r.instanceIds(id)).matched().response().orElseThrow();
        assertThat(describe(id).state().name()).isEqualTo(InstanceStateName.STOPPED);

        assertThat(ec2.startInstances(r -> r.instanceIds(id)).startingInstances().get(0).currentState().name())
                .isEqualTo(InstanceStateName.PENDING);
        waiter.waitUntilInstanceRunning(r -> r.instanceIds(id)).matched().response().orElseThrow();

        assertThat(ec2.terminateInstances(r -> r.instanceIds(id)).terminatingInstances().get(0).currentState().name())
                .isEqualTo(InstanceStateName.SHUTTING_DOWN);
        waiter.waitUntilInstanceTerminated(r -> r.instanceIds(id)).matched().response().orElseThrow();
        assertThat(describe(id).state().name()).isEqualTo(InstanceStateName.TERMINATED);
    }

    @Test
    void instanceStatusOk_waiterSucceedsAfterStatusChecks() {
        String id = launch(Worlds.PV_IMAGE, "m1.small");
        waiter.waitUntilInstanceRunning(r -> r.instanceIds(id));

        waiter.waitUntilInstanceStatusOk(r -> r.instanceIds(id)).matched().response().orElseThrow();
        waiter.waitUntilSystemStatusOk(r -> r.instanceIds(id)).matched().response().orElseThrow();
        assertThat(ec2.describeInstanceStatus(r -> r.instanceIds(id)).instanceStatuses().get(0).systemStatus().statusAsString())
                .isEqualTo("ok");
    }

    @Test
    void stop_releasesAutoAssignedPublicIp_andStartAssignsANewOne() {
        String id = launch(World.AMAZON_LINUX_HVM_IMAGE, "t3.micro");
        waiter.waitUntilInstanceRunning(r -> r.instanceIds(id));
        String first = describe(id).publicIpAddress();
        assertThat(first).isNotNull();

        ec2.stopInstances(r -> r.instanceIds(id));
        waiter.waitUntilInstanceStopped(r -> r.instanceIds(id));
        assertThat(describe(id).publicIpAddress()).isNull();

        ec2.startInstances(r -> r.instanceIds(id));
        waiter.waitUntilInstanceRunning(r -> r.instanceIds(id));
        assertThat(describe(id).publicIpAddress()).isNotNull().isNotEqualTo(first);
    }

    @Test
    void stop_keepsElasticIp() {
        ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE));
        waiter.waitUntilInstanceStopped(r -> r.instanceIds(Worlds.SOURCE));
        assertThat(describe(Worlds.SOURCE).publicIpAddress()).isEqualTo("198.51.100.200");
    }

    @Test
    void startInstances_onTerminatedInstance_failsWithIncorrectInstanceState() {
        ec2.terminateInstances(r -> r.instanceIds(Worlds.MARKETPLACE_INSTANCE));
        waiter.waitUntilInstanceTerminated(r -> r.instanceIds(Worlds.MARKETPLACE_INSTANCE));

        assertThatThrownBy(() -> ec2.startInstances(r -> r.instanceIds(Worlds.MARKETPLACE_INSTANCE)))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IncorrectInstanceState"));
    }

    @Test
    void terminate_withTerminationProtection_failsWithOperationNotPermitted() {
        ec2.modifyInstanceAttribute(r -> r.instanceId(Worlds.SOURCE).disableApiTermination(a -> a.value(true)));

        assertThatThrownBy(() -> ec2.terminateInstances(r -> r.instanceIds(Worlds.SOURCE)))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("OperationNotPermitted");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
        assertThat(describe(Worlds.SOURCE).state().name()).isEqualTo(InstanceStateName.RUNNING);
    }

    @Test
    void modifyInstanceType_whileRunning_failsWithIncorrectInstanceState_andSucceedsWhenStopped() {
        assertThatThrownBy(() -> ec2.modifyInstanceAttribute(r -> r.instanceId(Worlds.SOURCE).instanceType(a -> a.value("m3.large"))))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IncorrectInstanceState"));

        ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE));
        waiter.waitUntilInstanceStopped(r -> r.instanceIds(Worlds.SOURCE));
        ec2.modifyInstanceAttribute(r -> r.instanceId(Worlds.SOURCE).instanceType(a -> a.value("m3.large")));
        assertThat(ec2.describeInstanceAttribute(r -> r.instanceId(Worlds.SOURCE).attribute("instanceType")).instanceType().value())
                .isEqualTo("m3.large");
        // A PV instance cannot become an HVM-only type, whatever its state.
        assertThatThrownBy(() -> ec2.modifyInstanceAttribute(r -> r.instanceId(Worlds.SOURCE).instanceType(a -> a.value("t2.micro"))))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination"));
    }

    @Test
    void describeInstanceAttribute_reportsKernelUserDataAndBlockDevices() {
        var kernel = ec2.describeInstanceAttribute(r -> r.instanceId(Worlds.SOURCE).attribute("kernel"));
        assertThat(kernel.kernelId().value()).isEqualTo("aki-919dcaf8");
        var bdm = ec2.describeInstanceAttribute(r -> r.instanceId(Worlds.SOURCE).attribute("blockDeviceMapping"));
        assertThat(bdm.blockDeviceMappings()).extracting(b -> b.deviceName()).containsExactlyInAnyOrder("/dev/sda1", "/dev/sdf");
        var groups = ec2.describeInstanceAttribute(r -> r.instanceId(Worlds.SOURCE).attribute("groupSet"));
        assertThat(groups.groups()).extracting(g -> g.groupId()).containsExactly(World.DEFAULT_SECURITY_GROUP);
    }

    @Test
    void runInstances_carriesKeyProfileTagsAndRequestedPrivateIps() {
        var resp = ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1).maxCount(1)
                .keyName("ops").iamInstanceProfile(p -> p.name("app-role"))
                .networkInterfaces(n -> n.deviceIndex(0).subnetId(World.SUBNET_B).groups(World.DEFAULT_SECURITY_GROUP)
                        .privateIpAddresses(a -> a.privateIpAddress("10.0.2.50").primary(true), a -> a.privateIpAddress("10.0.2.51").primary(false)))
                .tagSpecifications(t -> t.resourceType("instance").tags(tag -> tag.key("Name").value("hvm-web-1"))));
        Instance i = resp.instances().get(0);
        assertThat(i.privateIpAddress()).isEqualTo("10.0.2.50");
        assertThat(i.networkInterfaces().get(0).privateIpAddresses()).extracting(a -> a.privateIpAddress())
                .containsExactly("10.0.2.50", "10.0.2.51");
        assertThat(i.keyName()).isEqualTo("ops");
        assertThat(i.iamInstanceProfile().arn()).endsWith("instance-profile/app-role");
        assertThat(i.tags()).anySatisfy(t -> assertThat(t.value()).isEqualTo("hvm-web-1"));
        assertThat(i.placement().availabilityZone()).isEqualTo("us-east-1b");
    }

    @Test
    void runInstances_privateIpWithNetworkInterfaces_failsWithInvalidParameterCombination() {
        assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro")
                .minCount(1).maxCount(1).privateIpAddress("10.0.1.99")
                .networkInterfaces(n -> n.deviceIndex(0).subnetId(World.SUBNET_A))))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination"));
    }

    @Test
    void runInstances_withSameClientToken_returnsTheSameInstance() {
        var first = ec2.runInstances(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small").minCount(1).maxCount(1).clientToken("tok-1"));
        var again = ec2.runInstances(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small").minCount(1).maxCount(1).clientToken("tok-1"));
        assertThat(again.instances().get(0).instanceId()).isEqualTo(first.instances().get(0).instanceId());
        assertThat(aws.journal().count("RunInstances")).isEqualTo(2);
        assertThat(ec2.describeInstances(r -> r.filters(f -> f.name("image-id").values(Worlds.PV_IMAGE),
                f -> f.name("instance-type").values("m1.small"))).reservations()).hasSize(1);

        assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.medium").minCount(1).maxCount(1).clientToken("tok-1")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IdempotentParameterMismatch"));
    }

    @Test
    void createVolume_withSameClientToken_returnsTheSameVolume() {
        String a = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(5).clientToken("vol-tok")).volumeId();
        String b = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(5).clientToken("vol-tok")).volumeId();
        assertThat(b).isEqualTo(a);
    }

    @Test
    void timeScale_comesFromTheBuildsSystemProperty() {
        assertThat(aws.latency().timeScale()).isEqualTo(Double.parseDouble(System.getProperty(LatencyModel.TIME_SCALE_PROPERTY)));
        assertThat(aws.latency().scaled(Duration.ofSeconds(45))).isLessThan(Duration.ofSeconds(45));
    }
}
