package io.pv2hvm.aws;

import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.UnaryOperator;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Bad input is refused by preflight with every blocker and its fix, and nothing is changed. */
class PreflightTest extends EmulatorTestBase {

    private MigrationSpec migration(String instanceId) {
        return migration(instanceId, SimulatedGuest.typical(), new EmulatedAws.FakeWorker());
    }

    private List<String> blockerCodes(MigrationSpec spec) {
        PreflightException e = catchThrowableOfType(PreflightException.class, spec::run);
        assertThat(e).as("preflight must refuse").isNotNull();
        assertThat(e.blockers()).allSatisfy(b -> assertThat(b.fix()).isNotBlank());
        assertNothingChanged();
        return e.blockers().stream().map(Blocker::code).toList();
    }

    private void assertNothingChanged() {
        List<RecordedCall> changes = emulator.journal().mutatingCalls().stream().filter(RecordedCall::succeeded).toList();
        assertThat(changes).as("successful mutating calls").isEmpty();
    }

    private World world(UnaryOperator<InstanceSeed> source) {
        return EmulatedAws.world(source.apply(EmulatedAws.webServer()), EmulatedAws.pvImage()).build();
    }

    @Test
    void unknownInstance_isABlockerThatNamesTheRegion() {
        start(world(s -> s));
        PreflightException e = catchThrowableOfType(PreflightException.class,
                () -> migration("i-0fffffffffffffff0").run());
        assertThat(e.blockers()).extracting(Blocker::code).containsExactly("INSTANCE_NOT_FOUND");
        assertThat(e.getMessage()).contains("i-0fffffffffffffff0", "region");
        assertNothingChanged();
    }

    @Test
    void alreadyHvmInstance_isRefused() {
        start(World.builder().defaultNetwork()
                .instance(InstanceSeed.of("i-0aaaaaaaaaaaaaaa1", World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro"))
                .build());
        assertThat(blockerCodes(migration("i-0aaaaaaaaaaaaaaa1"))).containsExactly("ALREADY_HVM");
    }

    @Test
    void everyBlockerIsReportedAtOnce_instanceStoreAndTerminationProtection() {
        // Instance-store volumes are not in DescribeInstances; they show in the launch image's mappings.
        start(EmulatedAws.world(EmulatedAws.webServer().instanceStore("/dev/sdb").disableApiTermination(true),
                EmulatedAws.pvImage().instanceStore("/dev/sdb")).build());
        assertThat(blockerCodes(migration(SOURCE).preservingIps()))
                .containsExactlyInAnyOrder("INSTANCE_STORE_DATA", "TERMINATION_PROTECTION");
    }

    @Test
    void instanceStoreLoss_whenAccepted_isNoLongerABlocker() {
        start(EmulatedAws.world(EmulatedAws.webServer().instanceStore("/dev/sdb"),
                EmulatedAws.pvImage().instanceStore("/dev/sdb")).build());
        var result = migration(SOURCE).acceptingInstanceStoreLoss().run();
        assertThat(result.newInstanceId()).isNotNull();
    }

    @Test
    void unknownTargetType_isABlocker() {
        start(world(s -> s));
        assertThat(blockerCodes(migration(SOURCE).withInstanceType("zz9.huge"))).containsExactly("UNKNOWN_INSTANCE_TYPE");
    }

    @Test
    void workerInAnotherZone_isABlocker() {
        start(EmulatedAws.world(EmulatedAws.webServer(), EmulatedAws.pvImage())
                .instance(InstanceSeed.of("i-0bbbbbbbbbbbbbbb2", EmulatedAws.UBUNTU_IMAGE).instanceType("t3.small")
                        .subnet(World.SUBNET_B))
                .build());
        assertThat(blockerCodes(migration(SOURCE).withWorker("i-0bbbbbbbbbbbbbbb2"))).containsExactly("WORKER_OTHER_AZ");
    }

    @Test
    void missingPermission_namesTheAction() {
        start(world(s -> s));
        emulator.faults().failNext("CreateSnapshot", 1, "UnauthorizedOperation",
                "You are not authorized to perform this operation.");
        MigrationSpec spec = migration(SOURCE);
        PreflightException e = catchThrowableOfType(PreflightException.class, spec::run);
        assertThat(e.blockers()).singleElement().satisfies(b -> {
            assertThat(b.code()).isEqualTo("MISSING_PERMISSION");
            assertThat(b.reason()).contains("CreateSnapshot");
        });
        assertNothingChanged();
    }

    @Test
    void autoAssignedPublicIp_isAWarningNotABlocker() {
        start(world(InstanceSeed::autoAssignedPublicIp));
        var result = migration(SOURCE).preservingIps().run();
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("auto-assigned", "Elastic IP"));
    }

    @Test
    void productCodedRoot_withTheUsersOwnWorker_isABlocker_butALaunchedWorkerHandlesIt() {
        start(EmulatedAws.world(InstanceSeed.of("i-0ccccccccccccccc3", "ami-0c0ffee0c0ffee00c").instanceType("m3.medium"),
                ImageSeed.pv("ami-0c0ffee0c0ffee00c", "marketplace-pv").kernelId(EmulatedAws.PV_GRUB_KERNEL)
                        .marketplaceCode("aw0evgkw8e5c1q413zgy5pjce"))
                .instance(InstanceSeed.of("i-0bbbbbbbbbbbbbbb2", EmulatedAws.UBUNTU_IMAGE).instanceType("t3.small"))
                .build());
        assertThat(blockerCodes(migration("i-0ccccccccccccccc3").withWorker("i-0bbbbbbbbbbbbbbb2")))
                .containsExactly("PRODUCT_CODE_WORKER");

        var result = migration("i-0ccccccccccccccc3").run();

        assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("product codes"));
        // A Marketplace-coded copy attaches only to a stopped worker (the emulator refuses otherwise):
        // stop the worker, attach, start it again.
        List<String> order = emulator.journal().all().stream().filter(c -> !"true".equals(c.param("DryRun")))
                .map(RecordedCall::action)
                .filter(a -> a.equals("StopInstances") || a.equals("AttachVolume") || a.equals("StartInstances"))
                .toList();
        assertThat(order).startsWith("StopInstances", "AttachVolume", "StartInstances");
    }
}
