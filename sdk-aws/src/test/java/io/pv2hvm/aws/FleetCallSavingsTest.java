package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static io.pv2hvm.aws.EmulatedAws.SOURCE_IP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The calls a migration no longer makes in a fleet (issue #16), each with the case where the call
 * it replaced still matters: a create whose group already exists, a launch while the source's IP
 * is still held.
 */
@Execution(ExecutionMode.CONCURRENT)
class FleetCallSavingsTest extends EmulatorTestBase {
    private final EmulatedAws.FakeWorker worker = new EmulatedAws.FakeWorker();

    @Test
    void trialGroup_onAFreshRun_isCreatedWithoutALookFirst() {
        start(EmulatedAws.webServerWorld().build());

        MigrationResult r = migration(SOURCE, SimulatedGuest.typical(), worker).preservingIps().run();

        // Preflight's DryRun probe of CreateSecurityGroup creates nothing; the step's create is the real one.
        List<RecordedCall> calls = emulator.journal().all().stream().filter(c -> !"true".equals(c.param("DryRun"))).toList();
        int create = indexOf(calls, "CreateSecurityGroup");
        assertThat(calls.get(create).succeeded()).isTrue();
        assertThat(calls.subList(0, create)).as("no look by name before the create of a run that began here")
                .noneMatch(c -> c.action().equals("DescribeSecurityGroups"));
        assertThat(emulator.journal().calls("CreateSecurityGroup")).filteredOn(c -> !"true".equals(c.param("DryRun")))
                .hasSize(1);
        assertThat(r.newInstanceId()).isNotNull();
    }

    @Test
    void trialGroup_whoseNameIsTakenByAnEarlierAttempt_isAdopted_notDuplicated() {
        start(EmulatedAws.webServerWorld().build());
        AtomicReference<String> earlier = new AtomicReference<>();
        // An earlier CreateSecurityGroup of this migration whose answer was lost: the group exists, untracked.
        Step earlierAttempt = new Step() {
            @Override
            public String name() {
                return "earlier-attempt";
            }

            @Override
            public void run(StepContext ctx) {
                earlier.set(ec2.createSecurityGroup(b -> b.groupName("pv2hvm-trial-" + ctx.migrationId())
                        .vpcId(World.DEFAULT_VPC).description("made by an attempt whose answer was lost")).groupId());
            }
        };

        AtomicReference<String> used = new AtomicReference<>();
        Step observe = new Step() {
            @Override
            public String name() {
                return "observe-trial-group";
            }

            @Override
            public void run(StepContext ctx) {
                used.set(ctx.get(AwsFacts.TRIAL_SECURITY_GROUP));
            }
        };

        MigrationResult r = migration(SOURCE, SimulatedGuest.typical(), worker).preservingIps()
                .withStepBefore(Phase.VERIFY, earlierAttempt).withStepBefore(Phase.CUTOVER, observe).run();

        assertThat(used.get()).as("the group the earlier attempt made").isEqualTo(earlier.get());
        List<RecordedCall> creates = emulator.journal().calls("CreateSecurityGroup").stream()
                .filter(c -> !"true".equals(c.param("DryRun"))).toList();
        assertThat(creates).hasSize(2); // the earlier attempt's, and the step's, refused as a duplicate
        assertThat(creates.get(1).errorCode()).isEqualTo("InvalidGroup.Duplicate");
        assertThat(settled(() -> ec2.describeSecurityGroups(b -> b.filters(f -> f.name("group-name")
                .values("pv2hvm-trial-" + r.migrationId()))).securityGroups())).as("deleted by cleanup").isEmpty();
    }

    @Test
    void launch_whileTheSourceIpIsStillHeld_waitsWithDescribes_andLaunchesOnceItIsFree() {
        // EC2 frees a terminated instance's private IP a while after "terminated": here long enough
        // that the launch right after the termination meets it still held.
        start(EmulatedAws.webServerWorld().build(), b -> b.latency(LatencyModel.fromSystemProperty().toBuilder()
                .privateIpRelease(Duration.ofMinutes(3)).build()));

        MigrationResult r = migration(SOURCE, SimulatedGuest.typical(), worker).preservingIps().run();

        List<RecordedCall> calls = emulator.journal().all();
        List<RecordedCall> launches = calls.stream().filter(c -> c.action().equals("RunInstances")
                && r.newImageId().equals(c.param("ImageId"))).toList();
        assertThat(launches).as("refused once while held, then launched").hasSize(2);
        assertThat(launches.get(0).errorCode()).isEqualTo("InvalidIPAddress.InUse");
        assertThat(launches.get(1).succeeded()).isTrue();
        List<RecordedCall> between = calls.subList(calls.indexOf(launches.get(0)), calls.indexOf(launches.get(1)));
        assertThat(between).as("the wait looked at the IP with describes")
                .anyMatch(c -> c.action().equals("DescribeNetworkInterfaces") && SOURCE_IP.equals(c.param("Filter.1.Value.1")));
        assertThat(r.ipsAfter()).contains(SOURCE_IP);
    }

    private static int indexOf(List<RecordedCall> calls, String action) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).action().equals(action)) {
                return i;
            }
        }
        throw new AssertionError("no " + action + " in " + calls.size() + " calls");
    }
}
