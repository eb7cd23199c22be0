package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.world.World;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/** The latency model's defaults, checked to the second on a manual clock at time scale 1. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class ManualClockTransitionsTest {

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

    private InstanceStateName state(String id) {
        return ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0).state().name();
    }

    private String instanceStatus(String id) {
        return ec2.describeInstanceStatus(r -> r.instanceIds(id)).instanceStatuses().get(0).instanceStatus().statusAsString();
    }

    @Test
    void instance_isPendingFor15Seconds_thenRunning_thenStatusOkAfter120Seconds() {
        String id = ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1).maxCount(1))
                .instances().get(0).instanceId();
        clock.advance(Duration.ofSeconds(14));
        assertThat(state(id)).isEqualTo(InstanceStateName.PENDING);
        clock.advance(Duration.ofSeconds(1));
        assertThat(state(id)).isEqualTo(InstanceStateName.RUNNING);
        assertThat(instanceStatus(id)).isEqualTo("initializing");
        clock.advance(Duration.ofSeconds(120));
        assertThat(instanceStatus(id)).isEqualTo("ok");
    }

    @Test
    void stopping_lasts45Seconds_shuttingDown60_andTerminatedStaysListedAnHour() {
        ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE));
        clock.advance(Duration.ofSeconds(44));
        assertThat(state(Worlds.SOURCE)).isEqualTo(InstanceStateName.STOPPING);
        clock.advance(Duration.ofSeconds(1));
        assertThat(state(Worlds.SOURCE)).isEqualTo(InstanceStateName.STOPPED);
        ec2.startInstances(r -> r.instanceIds(Worlds.SOURCE));
        clock.advance(Duration.ofSeconds(15));
        assertThat(state(Worlds.SOURCE)).isEqualTo(InstanceStateName.RUNNING);

        // Terminating a running instance shuts its guest down first: 60 s (a stopped one: 10 s).
        ec2.terminateInstances(r -> r.instanceIds(Worlds.SOURCE));
        clock.advance(Duration.ofSeconds(59));
        assertThat(state(Worlds.SOURCE)).isEqualTo(InstanceStateName.SHUTTING_DOWN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(state(Worlds.SOURCE)).isEqualTo(InstanceStateName.TERMINATED);

        clock.advance(Duration.ofHours(1));
        assertThatThrownBy(() -> state(Worlds.SOURCE))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.NotFound"));
    }

    @Test
    void stopInstances_onPendingInstance_failsWithIncorrectInstanceState() {
        String id = ec2.runInstances(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small").minCount(1).maxCount(1))
                .instances().get(0).instanceId();
        assertThatThrownBy(() -> ec2.stopInstances(r -> r.instanceIds(id)))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IncorrectInstanceState"));
    }

    @Test
    void volume_createsIn8Seconds_andAttachesIn5() {
        String id = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(8)).volumeId();
        clock.advance(Duration.ofSeconds(7));
        assertThat(ec2.describeVolumes(r -> r.volumeIds(id)).volumes().get(0).stateAsString()).isEqualTo("creating");
        clock.advance(Duration.ofSeconds(1));
        assertThat(ec2.describeVolumes(r -> r.volumeIds(id)).volumes().get(0).stateAsString()).isEqualTo("available");

        ec2.attachVolume(r -> r.volumeId(id).instanceId(Worlds.SOURCE).device("/dev/sdh"));
        clock.advance(Duration.ofSeconds(4));
        assertThat(ec2.describeVolumes(r -> r.volumeIds(id)).volumes().get(0).attachments().get(0).stateAsString()).isEqualTo("attaching");
        clock.advance(Duration.ofSeconds(1));
        assertThat(ec2.describeVolumes(r -> r.volumeIds(id)).volumes().get(0).attachments().get(0).stateAsString()).isEqualTo("attached");
    }

    @Test
    void attachVolume_whileCreating_failsWithIncorrectState() {
        String id = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(1)).volumeId();
        assertThatThrownBy(() -> ec2.attachVolume(r -> r.volumeId(id).instanceId(Worlds.SOURCE).device("/dev/sdh")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IncorrectState"));
    }

    @Test
    void registeredImage_isPendingFor10Seconds_andCannotLaunchMeanwhile() {
        String ami = ec2.registerImage(r -> r.name("pending-one").virtualizationType("hvm").architecture("x86_64").enaSupport(true)
                .rootDeviceName("/dev/xvda").blockDeviceMappings(b -> b.deviceName("/dev/xvda").ebs(e -> e.snapshotId(Worlds.PV_ROOT_SNAPSHOT))))
                .imageId();
        assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId(ami).instanceType("t3.micro").minCount(1).maxCount(1)))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAMIID.Unavailable"));
        clock.advance(Duration.ofSeconds(10));
        assertThat(ec2.runInstances(r -> r.imageId(ami).instanceType("t3.micro").minCount(1).maxCount(1)).instances()).hasSize(1);
    }

    @Test
    void createImage_becomesAvailableAfterItsSnapshotsPlusImageLatency() {
        // Root 8 GiB (62 s) and data 100 GiB (430 s) snapshots; the image follows 90 s after the slowest.
        String ami = ec2.createImage(r -> r.instanceId(Worlds.SOURCE).name("backup")).imageId();
        clock.advance(Duration.ofSeconds(519));
        assertThat(ec2.describeImages(r -> r.imageIds(ami)).images().get(0).stateAsString()).isEqualTo("pending");
        clock.advance(Duration.ofSeconds(1));
        assertThat(ec2.describeImages(r -> r.imageIds(ami)).images().get(0).stateAsString()).isEqualTo("available");
    }
}
