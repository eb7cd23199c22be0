package io.pv2hvm.aws;

import io.pv2hvm.core.Migration;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;

import java.util.List;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

/** The deep inventory: guest blockers found on a copy of the root before any migration, leaving nothing behind. */
class GuestInspectionTest extends EmulatorTestBase {

    @BeforeEach
    void start() {
        start(EmulatedAws.webServerWorld().build());
    }

    private GuestInspection inspect(SimulatedGuest guest, String instanceType) {
        AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatedAws.timeouts()).guestConversion(guest).build();
        return GuestInspection.of(Migration.of(SOURCE).toHvm().withInstanceType(instanceType)
                .withTransport(new EmulatedAws.FakeWorker()), aws);
    }

    @Test
    void of_nitroTarget_guestWithoutNvmeOrEna_reportsTheFamilysFix_andLeavesNothingBehind() {
        SimulatedGuest centos6 = SimulatedGuest.typical().withDrivers("xen_blkfront", "ata_piix");

        GuestInspection g = inspect(centos6, "m5.large");

        assertThat(g.os()).contains("CentOS release 6");
        assertThat(g.blockers()).singleElement().satisfies(b -> {
            assertThat(b.code()).isEqualTo("NO_NITRO_DRIVERS");
            assertThat(b.reason()).contains("nvme or ena");
            assertThat(b.fix()).contains("DKMS").contains("t2, m4, c4, r4");
        });
        assertThat(centos6.conversions()).as("inspection writes nothing").isZero();
        assertSourceOnlyReadAndNothingLeft();
    }

    @Test
    void of_xenHvmTarget_typicalGuest_hasNoBlockers() {
        GuestInspection g = inspect(SimulatedGuest.typical(), "m4.large");

        assertThat(g.instanceId()).isEqualTo(SOURCE);
        assertThat(g.kernel()).isEqualTo("2.6.32-754.el6.x86_64");
        assertThat(g.blockers()).isEmpty();
        assertSourceOnlyReadAndNothingLeft();
    }

    private void assertSourceOnlyReadAndNothingLeft() {
        List<RecordedCall> onSource = emulator.journal().mutatingCalls().stream()
                .filter(c -> c.params().containsValue(SOURCE) && !"true".equals(c.param("DryRun"))).toList();
        assertThat(onSource).as("mutating calls naming the source").isEmpty();
        assertThat(ec2.describeInstances(b -> b.instanceIds(SOURCE)).reservations().get(0).instances().get(0)
                .state().nameAsString()).isEqualTo("running");
        Filter ours = Filter.builder().name("tag-key").values(Tags.ROLE).build();
        assertThat(ec2.describeInstances(b -> b.filters(ours)).reservations().stream().flatMap(r -> r.instances().stream())
                .filter(i -> !"terminated".equals(i.state().nameAsString()))).isEmpty();
        assertThat(ec2.describeVolumes(b -> b.filters(ours)).volumes())
                .filteredOn(v -> !"deleting".equals(v.stateAsString())).isEmpty();
        assertThat(ec2.describeSnapshots(b -> b.ownerIds("self").filters(ours)).snapshots()).isEmpty();
        assertThat(ec2.describeImages(b -> b.owners("self").filters(ours)).images()).isEmpty();
    }
}
