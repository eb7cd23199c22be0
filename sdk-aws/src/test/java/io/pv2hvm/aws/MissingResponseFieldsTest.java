package io.pv2hvm.aws;

import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.testkit.Faults;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Answers that lack a field EC2 documents as optional but pv2hvm cannot go on without, sent as
 * real EC2 XML through the real SDK client: a typed error naming the field, never a
 * NullPointerException, and nothing changed or left behind.
 */
class MissingResponseFieldsTest extends EmulatorTestBase {
    /** The source as an EC2-compatible endpoint might describe it: no State, no Placement. */
    private static final String SOURCE_WITHOUT_STATE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r-1</requestId>"
            + "<reservationSet><item><reservationId>r-0123456789abcdef0</reservationId><ownerId>123456789012</ownerId>"
            + "<instancesSet><item><instanceId>" + SOURCE + "</instanceId><imageId>" + EmulatedAws.PV_IMAGE
            + "</imageId><instanceType>m1.large</instanceType><virtualizationType>paravirtual</virtualizationType>"
            + "<rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/sda1</rootDeviceName>"
            + "</item></instancesSet></item></reservationSet></DescribeInstancesResponse>";
    /** RunInstances answered without any instance. */
    private static final String NO_INSTANCE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<RunInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r-2</requestId>"
            + "<reservationId>r-0aaaaaaaaaaaaaaa0</reservationId><ownerId>123456789012</ownerId><instancesSet/>"
            + "</RunInstancesResponse>";

    @BeforeEach
    void start() {
        start(EmulatedAws.webServerWorld().build());
    }

    @Test
    void preflight_whenTheSourceHasNoState_failsNamingTheField_andChangesNothing() {
        emulator.faults().answerNext("DescribeInstances", 1, new Faults.Raw(200, "text/xml;charset=UTF-8",
                SOURCE_WITHOUT_STATE));

        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> migration(SOURCE, SimulatedGuest.typical(), new EmulatedAws.FakeWorker()).preservingIps().run());

        assertThat(e.step()).isEqualTo("preflight");
        assertThat(e.getCause()).isInstanceOfSatisfying(IncompleteResponseException.class, c -> {
            assertThat(c.field()).isEqualTo("Reservations.Instances.State");
            assertThat(c.retryable()).isFalse();
        });
        assertThat(e).hasMessageContaining("DescribeInstances answered without Reservations.Instances.State for "
                + SOURCE).hasMessageNotContaining("NullPointerException");
        assertThat(emulator.journal().all()).filteredOn(RecordedCall::mutating)
                .filteredOn(c -> !"true".equals(c.param("DryRun"))).as("mutating calls").isEmpty();
    }

    @Test
    void launchWorker_whenRunInstancesAnswersNoInstance_failsNamingTheField_andRollsBackEverything() {
        emulator.faults().answerNext("RunInstances", 1, new Faults.Raw(200, "text/xml;charset=UTF-8", NO_INSTANCE));

        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> migration(SOURCE, SimulatedGuest.typical(), new EmulatedAws.FakeWorker()).preservingIps().run());

        assertThat(e.step()).isEqualTo("launch-worker");
        assertThat(e.getCause()).isInstanceOfSatisfying(IncompleteResponseException.class,
                c -> assertThat(c.field()).isEqualTo("Instances"));
        assertThat(e.notRolledBack()).isEmpty();
        awaitConsistency();
        Filter ours = Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(e.migrationId()).build();
        assertThat(ec2.describeInstances(b -> b.filters(ours)).reservations()).as("instances launched").isEmpty();
        assertThat(ec2.describeSnapshots(b -> b.ownerIds("self").filters(ours)).snapshots()).as("snapshots left")
                .isEmpty();
    }
}
