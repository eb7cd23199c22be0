package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.world.World;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/** Eventual consistency windows, injected faults and the request journal. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class ConsistencyAndFaultsTest {

    private final ManualClock clock = ManualClock.create();
    private Ec2Emulator aws;
    private Ec2Client ec2;

    @BeforeEach
    void start() {
        aws = Ec2Emulator.builder().world(Worlds.migration()).clock(clock).consistencyWindow(Duration.ofSeconds(2)).build().start();
        ec2 = AwsClients.ec2NoRetry(aws);
    }

    @AfterEach
    void stop() {
        ec2.close();
        aws.stop();
    }

    private static String code(Throwable t) {
        return ((Ec2Exception) t).awsErrorDetails().errorCode();
    }

    @Test
    void justCreatedInstance_isNotFoundInsideTheWindow_thenVisible() {
        String id = ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1).maxCount(1))
                .instances().get(0).instanceId();
        assertThatThrownBy(() -> ec2.describeInstances(r -> r.instanceIds(id))).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidInstanceID.NotFound"));
        assertThatThrownBy(() -> ec2.createTags(r -> r.resources(id).tags(t -> t.key("a").value("b"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidInstanceID.NotFound"));
        assertThat(ec2.describeInstances().reservations()).noneMatch(res -> res.instances().get(0).instanceId().equals(id));

        clock.advance(Duration.ofSeconds(2));
        assertThat(ec2.describeInstances(r -> r.instanceIds(id)).reservations()).hasSize(1);
    }

    @Test
    void justCreatedVolume_isNotFoundInsideTheWindow() {
        String id = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(1)).volumeId();
        assertThatThrownBy(() -> ec2.describeVolumes(r -> r.volumeIds(id))).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidVolume.NotFound"));
        clock.advance(Duration.ofSeconds(2));
        assertThat(ec2.describeVolumes(r -> r.volumeIds(id)).volumes()).hasSize(1);
    }

    @Test
    void describeAfterAChange_showsTheStateBeforeIt_forTheWindow_thenTheTruth() {
        assertThat(state(Worlds.SOURCE)).isEqualTo("running");
        ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE));

        assertThat(state(Worlds.SOURCE)).as("stale inside the window").isEqualTo("running");
        clock.advance(Duration.ofMillis(1900));
        assertThat(state(Worlds.SOURCE)).isEqualTo("running");
        clock.advance(Duration.ofMillis(100));
        assertThat(state(Worlds.SOURCE)).as("the window is over").isIn("stopping", "stopped");
    }

    @Test
    void detachedVolume_readsInUseInsideTheWindow() {
        String volume = Worlds.DATA_VOLUME;
        assertThat(volumeState(volume)).isEqualTo("in-use");
        ec2.detachVolume(r -> r.volumeId(volume));
        clock.advance(Duration.ofMinutes(1));

        assertThat(volumeState(volume)).as("stale inside the window").isEqualTo("in-use");
        clock.advance(Duration.ofSeconds(2));
        assertThat(volumeState(volume)).isEqualTo("available");
    }

    @Test
    void eventualConsistency_isInEc2Time_scaledLikeTheLatencies() {
        ManualClock own = ManualClock.create();
        try (Ec2Emulator scaled = Ec2Emulator.builder().world(Worlds.migration()).clock(own)
                .latency(LatencyModel.realistic().withTimeScale(0.01)).eventualConsistency(Duration.ofSeconds(10))
                .build().start(); Ec2Client client = AwsClients.ec2NoRetry(scaled)) {
            String id = client.createVolume(r -> r.availabilityZone("us-east-1a").size(1)).volumeId();
            assertThatThrownBy(() -> client.describeVolumes(r -> r.volumeIds(id)))
                    .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidVolume.NotFound"));
            own.advance(Duration.ofMillis(99));
            assertThatThrownBy(() -> client.describeVolumes(r -> r.volumeIds(id)))
                    .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidVolume.NotFound"));
            own.advance(Duration.ofMillis(1));
            assertThat(client.describeVolumes(r -> r.volumeIds(id)).volumes()).as("10 s of EC2 at 0.01").hasSize(1);
        }
    }

    private String state(String instanceId) {
        return ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0).state()
                .nameAsString();
    }

    private String volumeState(String volumeId) {
        return ec2.describeVolumes(r -> r.volumeIds(volumeId)).volumes().get(0).stateAsString();
    }

    @Test
    void failNext_answersTheInjectedCodeOnce_thenTheModelAnswers() {
        aws.faults().failNext("RunInstances", 1, "InsufficientInstanceCapacity", "We currently do not have sufficient t3.micro capacity");
        assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1).maxCount(1)))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InsufficientInstanceCapacity");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
        assertThat(ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1).maxCount(1))
                .instances()).hasSize(1);
    }

    @Test
    void serverErrors_areRetriedByTheSdkStandardStrategy() {
        aws.faults().failNext("DescribeInstances", 2, "InternalError", "injected");
        try (Ec2Client retrying = AwsClients.ec2(aws)) {
            assertThat(retrying.describeInstances(r -> r.instanceIds(Worlds.SOURCE)).reservations()).hasSize(1);
        }
        assertThat(aws.journal().calls("DescribeInstances")).extracting(RecordedCall::status).containsExactly(500, 500, 200);
    }

    @Test
    void connectionReset_surfacesAsClientException() {
        aws.faults().resetNext("DescribeVolumes", 1);
        assertThatThrownBy(() -> ec2.describeVolumes()).isInstanceOf(SdkClientException.class);
        assertThat(ec2.describeVolumes().volumes()).isNotEmpty();
    }

    @Test
    void errorRate_ofOne_failsEveryCall_untilCleared() {
        aws.faults().errorRate("*", 1.0, "Unavailable");
        assertThatThrownBy(() -> ec2.describeSubnets()).isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.statusCode()).isEqualTo(503));
        aws.faults().clear();
        assertThat(ec2.describeSubnets().subnets()).hasSize(2);
    }

    @Test
    void delay_holdsTheAnswerBack() {
        aws.faults().delay("DescribeSubnets", Duration.ofMillis(300));
        long t0 = System.nanoTime();
        ec2.describeSubnets();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void journal_provesAReadOnlyPreflightMadeNoMutatingCall() {
        ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE));
        ec2.describeVolumes(r -> r.filters(f -> f.name("attachment.instance-id").values(Worlds.SOURCE)));
        ec2.describeInstanceTypes(r -> r.instanceTypesWithStrings("t3.micro"));
        assertThat(aws.journal().all()).hasSize(3);
        assertThat(aws.journal().mutatingCalls()).isEmpty();

        ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE));
        List<RecordedCall> stops = aws.journal().calls("StopInstances");
        assertThat(stops).hasSize(1);
        assertThat(stops.get(0).param("InstanceId.1")).isEqualTo(Worlds.SOURCE);
        assertThat(aws.journal().mutatingCalls()).extracting(RecordedCall::action).containsExactly("StopInstances");
    }

    @Test
    void lostResponse_createVolumeTakesEffect_clientSees500_andTheSameTokenAnswersTheSameVolume() {
        int before = ec2.describeVolumes().volumes().size();
        aws.faults().loseResponseNext("CreateVolume", 1);

        assertThatThrownBy(() -> ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(1).clientToken("lost-1")))
                .satisfies(e -> assertThat(((Ec2Exception) e).statusCode()).isEqualTo(500));
        clock.advance(Duration.ofSeconds(2));
        assertThat(aws.journal().calls("CreateVolume")).singleElement().satisfies(c -> {
            assertThat(c.succeeded()).as("the client saw a failure").isFalse();
            assertThat(c.tookEffect()).isTrue();
        });
        List<String> afterLoss = ec2.describeVolumes().volumes().stream().map(v -> v.volumeId()).toList();
        String again = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(1).clientToken("lost-1")).volumeId();

        assertThat(afterLoss).hasSize(before + 1).contains(again);
        assertThat(ec2.describeVolumes().volumes()).hasSize(before + 1);
    }

    @Test
    void lostResponseByReset_stopInstancesTakesEffect_clientSeesAConnectionError() {
        aws.faults().loseResponseByResetNext("StopInstances", 1);

        assertThatThrownBy(() -> ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE))).isInstanceOf(SdkClientException.class);
        clock.advance(Duration.ofMinutes(2));

        assertThat(state(Worlds.SOURCE)).isIn("stopping", "stopped");
        assertThat(aws.journal().calls("StopInstances")).singleElement().satisfies(c -> {
            assertThat(c.status()).isZero();
            assertThat(c.tookEffect()).isTrue();
        });
    }

    @Test
    void lostResponse_ofARefusedCall_didNotTakeEffect() {
        aws.faults().loseResponseNext("StopInstances", 1);

        assertThatThrownBy(() -> ec2.stopInstances(r -> r.instanceIds("i-0000000000000dead")))
                .satisfies(e -> assertThat(((Ec2Exception) e).statusCode()).isEqualTo(500));

        assertThat(aws.journal().calls("StopInstances")).singleElement().satisfies(c -> assertThat(c.tookEffect()).isFalse());
    }
}
