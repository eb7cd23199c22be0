package io.pv2hvm.aws;

import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.world.InstanceSeed;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.UnaryOperator;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What preflight refuses or warns about because it would not survive as the same server. */
class SameServerPreflightTest extends EmulatorTestBase {

    private void startWith(UnaryOperator<InstanceSeed> source) {
        start(EmulatedAws.world(source.apply(EmulatedAws.webServer()), EmulatedAws.pvImage()).build());
    }

    private MigrationSpec migration() {
        return migration(SOURCE, SimulatedGuest.typical(), new EmulatedAws.FakeWorker()).preservingIps();
    }

    private Blocker refusal(MigrationSpec spec) {
        PreflightException e = catchThrowableOfType(PreflightException.class, spec::run);
        assertThat(e).as("preflight must refuse").isNotNull();
        List<RecordedCall> changes = emulator.journal().mutatingCalls().stream().filter(RecordedCall::succeeded).toList();
        assertThat(changes).as("successful mutating calls").isEmpty();
        assertThat(e.blockers()).hasSize(1);
        return e.blockers().get(0);
    }

    @Test
    void autoScalingGroupMember_isRefusedWithHowToDetachOrSuspend() {
        startWith(s -> s.tag("aws:autoscaling:groupName", "web-asg"));

        Blocker b = refusal(migration());

        assertThat(b.code()).isEqualTo("AUTO_SCALING_GROUP");
        assertThat(b.reason()).contains("web-asg", "replaces");
        assertThat(b.fix()).contains("detach-instances", "web-asg", "suspend-processes");
    }

    @Test
    void cloudFormationManagedInstance_isRefusedWithTheDriftExplained() {
        startWith(s -> s.tag("aws:cloudformation:stack-name", "shop"));

        Blocker b = refusal(migration());

        assertThat(b.code()).isEqualTo("CLOUDFORMATION_STACK");
        assertThat(b.reason()).contains("shop", "drift");
        assertThat(b.fix()).contains("acceptingStackDrift()");
    }

    @Test
    void cloudFormationManagedInstance_migratesWhenTheDriftIsAccepted_andWarns() {
        startWith(s -> s.tag("aws:cloudformation:stack-name", "shop"));

        MigrationResult r = migration().acceptingStackDrift().run();

        assertThat(r.newInstanceId()).isNotNull();
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("shop", "acceptingStackDrift()"));
    }

    @Test
    void everyMigration_warnsThatTargetGroupsAndAlarmsNamingTheOldIdAreNotFollowed() {
        startWith(s -> s);

        MigrationResult r = migration().run();

        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("target groups", "alarms", SOURCE,
                "idMap()"));
        assertThat(r.idMap()).containsEntry(SOURCE, r.newInstanceId());
    }

    @Test
    void userDataOver16KiB_isRefusedBeforeAnyWrite() {
        startWith(s -> s.userData("#!/bin/sh\n" + "x".repeat(16 * 1024)));

        Blocker b = refusal(migration());

        assertThat(b.code()).isEqualTo("USER_DATA_TOO_LARGE");
        assertThat(b.reason()).contains("16384");
    }

    @Test
    void runningSourceWithStopProtection_isRefusedWithTheCommandToLiftIt() {
        startWith(s -> s.disableApiStop(true));

        Blocker b = refusal(migration());

        assertThat(b.code()).isEqualTo("STOP_PROTECTION");
        assertThat(b.fix()).contains("--no-disable-api-stop");
    }

    @Test
    void namedFirstGenerationType_isRefused_becauseEc2RefusesLinuxHvmThere() {
        startWith(s -> s);

        Blocker b = refusal(migration().withInstanceType("m1.xlarge"));

        assertThat(b.code()).isEqualTo("TARGET_TYPE_PV_ONLY");
        assertThat(b.reason()).contains("m1.xlarge", "t1, m1, m2 and c1");
        assertThat(b.fix()).contains("m5.xlarge");
    }
}
