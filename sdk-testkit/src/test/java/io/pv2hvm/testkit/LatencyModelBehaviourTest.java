package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The latency model on a manual clock: incremental snapshots, stopped termination, guest boot. */
class LatencyModelBehaviourTest {
    private static final String SOURCE = "i-0123456789abcdef0";
    private static final String PV = "ami-0c0ffee0c0ffee001";

    private final ManualClock clock = ManualClock.create();
    private final LatencyModel latency = LatencyModel.realistic();
    private Ec2Emulator aws;
    private Ec2Client ec2;
    private String root;

    @BeforeEach
    void start() {
        World world = World.builder().defaultNetwork().image(ImageSeed.pv(PV, "centos6-pv"))
                .instance(InstanceSeed.of(SOURCE, PV).instanceType("m1.large").root(VolumeSeed.of("/dev/sda1", 8).usedGiB(2)))
                .build();
        aws = Ec2Emulator.builder().world(world).clock(clock).latency(latency).build().start();
        ec2 = AwsClients.ec2NoRetry(aws);
        root = ec2.describeInstances(r -> r.instanceIds(SOURCE)).reservations().get(0).instances().get(0)
                .blockDeviceMappings().get(0).ebs().volumeId();
    }

    @AfterEach
    void stop() {
        ec2.close();
        aws.stop();
    }

    @Test
    void snapshotsAreIncremental_theFirstCopiesTheUsedData_laterOnesOnlyWhatChanged() {
        Duration first = latency.snapshotBase().plus(latency.snapshotPerGiB().multipliedBy(2));
        assertThat(completesAfter(ec2.createSnapshot(r -> r.volumeId(root)).snapshotId())).isEqualTo(first);

        assertThat(completesAfter(ec2.createSnapshot(r -> r.volumeId(root)).snapshotId()))
                .isEqualTo(latency.snapshotBase());

        aws.recordWrite(root, 1L << 30);
        String third = ec2.createSnapshot(r -> r.volumeId(root)).snapshotId();
        assertThat(completesAfter(third)).isEqualTo(latency.snapshotBase().plus(latency.snapshotPerGiB()));

        // A volume restored from a snapshot has changed nothing relative to it.
        String copy = ec2.createVolume(r -> r.availabilityZone("us-east-1a").snapshotId(third)).volumeId();
        clock.advance(latency.volumeCreating());
        assertThat(completesAfter(ec2.createSnapshot(r -> r.volumeId(copy)).snapshotId()))
                .isEqualTo(latency.snapshotBase());
    }

    @Test
    void aStoppedInstanceTerminatesSoonerThanARunningOne() {
        ec2.stopInstances(r -> r.instanceIds(SOURCE));
        clock.advance(latency.instanceStopping());
        assertThat(state()).isEqualTo("stopped");

        ec2.terminateInstances(r -> r.instanceIds(SOURCE));
        clock.advance(latency.stoppedTermination().minusMillis(1));
        assertThat(state()).isEqualTo("shutting-down");
        clock.advance(Duration.ofMillis(1));
        assertThat(state()).isEqualTo("terminated");
        assertThat(latency.stoppedTermination()).isLessThan(latency.instanceShuttingDown());
    }

    @Test
    void theConsoleShowsTheBootOnlyAfterTheGuestHadTimeToBoot() {
        String id = ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro")
                .minCount(1).maxCount(1)).instances().get(0).instanceId();
        clock.advance(latency.instancePending());
        assertThat(ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0).state()
                .nameAsString()).isEqualTo("running");
        // Latest (Nitro) reads the console as it is now; the default buffer lags (ConsoleOutputTest).
        assertThat(ec2.getConsoleOutput(r -> r.instanceId(id).latest(true)).output()).isNullOrEmpty();

        clock.advance(latency.guestBoot());
        assertThat(ec2.getConsoleOutput(r -> r.instanceId(id).latest(true)).output()).isNotEmpty();
    }

    /** Advances the clock until the snapshot completes; returns how long that took, in whole seconds. */
    private Duration completesAfter(String snapshot) {
        Duration waited = Duration.ZERO;
        while (!"completed".equals(ec2.describeSnapshots(r -> r.snapshotIds(snapshot)).snapshots().get(0).stateAsString())) {
            clock.advance(Duration.ofSeconds(1));
            waited = waited.plusSeconds(1);
            assertThat(waited).as("snapshot " + snapshot + " never completes").isLessThan(Duration.ofHours(1));
        }
        return waited;
    }

    private String state() {
        return ec2.describeInstances(r -> r.instanceIds(SOURCE)).reservations().get(0).instances().get(0).state()
                .nameAsString();
    }
}
