package io.pv2hvm.aws;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.NetworkInterfaceSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Volume;

import java.util.List;

import static io.pv2hvm.aws.EmulatedAws.ENI2;
import static io.pv2hvm.aws.EmulatedAws.ENI2_IP;
import static io.pv2hvm.aws.EmulatedAws.PV_IMAGE;
import static io.pv2hvm.aws.EmulatedAws.SECONDARY_IP;
import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static io.pv2hvm.aws.EmulatedAws.SOURCE_IP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The new instance is the same server: what the source's users and tools rely on survives the
 * migration, through the real SDK client against the emulator.
 */
class SameServerEndToEndTest extends EmulatorTestBase {
    private static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String APP_GROUP = "sg-0a1b2c3d4e5f6aaaa";
    private static final String V6_PRIMARY = "2600:1f18:aaaa:bb01::10";
    private static final String V6_ENI2 = "2600:1f18:aaaa:bb01::20";
    private final EmulatedAws.FakeWorker worker = new EmulatedAws.FakeWorker();

    /** A PV m1.small with IMDSv2 required, an encrypted gp3 root, IPv6 and every other attribute set. */
    private static InstanceSeed carefulServer() {
        return InstanceSeed.of(SOURCE, PV_IMAGE).instanceType("m1.small").privateIp(SOURCE_IP)
                .secondaryPrivateIp(SECONDARY_IP).keyName("ops").instanceProfile("app-role")
                .root(VolumeSeed.of("/dev/sda1", 8).volumeType("gp3").iops(4000).throughput(250).encryptedWith(KEY))
                .metadataOptions("required", 2, "enabled", "enabled").detailedMonitoring()
                .placementGroup("web-spread").tenancy("dedicated") // m1.small cannot be EBS-optimized on EC2
                .ipv6Address(V6_PRIMARY).sourceDestCheck(false)
                .secondaryEni(NetworkInterfaceSeed.in(World.SUBNET_A, ENI2_IP).id(ENI2).group(APP_GROUP)
                        .ipv6Address(V6_ENI2).sourceDestCheck(false))
                .tag("Name", "web-1");
    }

    private void startWith(InstanceSeed source) {
        start(EmulatedAws.world(source, EmulatedAws.pvImage()).securityGroup(APP_GROUP, "app", World.DEFAULT_VPC)
                .build());
    }

    @Test
    void run_preservingIps_keepsImdsV2EncryptionKeyIpv6CreditsAndEveryOtherAttribute() {
        startWith(carefulServer());
        Volume sourceRoot = rootVolume(instance(SOURCE));

        // PARTITION_COPY: the converted root is a new, empty volume, which must be encrypted too.
        MigrationResult r = migration(SOURCE, SimulatedGuest.typical(), worker).preservingIps()
                .withStrategy(ConversionStrategy.PARTITION_COPY).run();

        Instance now = instance(r.newInstanceId());
        assertThat(now.instanceTypeAsString()).isEqualTo("t3.small"); // m1.small's successor, burstable
        assertThat(now.metadataOptions().httpTokensAsString()).isEqualTo("required");
        assertThat(now.metadataOptions().httpPutResponseHopLimit()).isEqualTo(2);
        assertThat(now.metadataOptions().instanceMetadataTagsAsString()).isEqualTo("enabled");
        assertThat(now.metadataOptions().httpEndpointAsString()).isEqualTo("enabled");
        assertThat(now.monitoring().stateAsString()).isEqualTo("enabled");
        assertThat(now.placement().groupName()).isEqualTo("web-spread");
        assertThat(now.placement().tenancyAsString()).isEqualTo("dedicated");
        assertThat(now.ebsOptimized()).as("t3 is EBS-optimized by default").isTrue();
        assertThat(now.sourceDestCheck()).isFalse();
        // T3 launches unlimited by default; m1.small had a fixed CPU share, so standard is kept.
        assertThat(ec2.describeInstanceCreditSpecifications(b -> b.instanceIds(now.instanceId()))
                .instanceCreditSpecifications()).singleElement()
                .satisfies(c -> assertThat(c.cpuCredits()).isEqualTo("standard"));

        InstanceNetworkInterface primary = eni(now, 0);
        assertThat(primary.ipv6Addresses()).extracting(a -> a.ipv6Address()).containsExactly(V6_PRIMARY);
        assertThat(primary.sourceDestCheck()).isFalse();
        InstanceNetworkInterface second = eni(now, 1);
        assertThat(second.networkInterfaceId()).isEqualTo(ENI2);
        assertThat(second.ipv6Addresses()).extracting(a -> a.ipv6Address()).containsExactly(V6_ENI2);
        assertThat(second.groups()).extracting(g -> g.groupId()).containsExactly(APP_GROUP);
        assertThat(primary.groups()).extracting(g -> g.groupId()).containsExactly(World.DEFAULT_SECURITY_GROUP);

        Volume root = rootVolume(now);
        assertThat(root.encrypted()).isTrue();
        assertThat(root.kmsKeyId()).isEqualTo(KEY);
        assertThat(root.volumeTypeAsString()).isEqualTo("gp3");
        assertThat(root.iops()).isEqualTo(4000);
        assertThat(root.throughput()).isEqualTo(250);
        Image hvm = ec2.describeImages(b -> b.imageIds(r.newImageId())).images().get(0);
        Snapshot hvmSnapshot = ec2.describeSnapshots(b -> b.snapshotIds(hvm.blockDeviceMappings().get(0).ebs()
                .snapshotId())).snapshots().get(0);
        assertThat(hvmSnapshot.encrypted()).isTrue();
        assertThat(hvmSnapshot.kmsKeyId()).isEqualTo(KEY);
        assertThat(emulator.journal().calls("CreateVolume")).filteredOn(c -> c.param("SnapshotId") == null && c.param("DryRun") == null)
                .isNotEmpty().allSatisfy(c -> assertThat(c.param("KmsKeyId")).isEqualTo(KEY));

        assertThat(r.idMap()).containsEntry(SOURCE, now.instanceId())
                .containsEntry(sourceRoot.volumeId(), root.volumeId())
                .containsEntry(PV_IMAGE, r.newImageId())
                .doesNotContainKey(ENI2); // moved, not replaced
        assertThat(r.idMap().values()).contains(primary.networkInterfaceId());
    }

    @Test
    void rollbackAfterTheSourceIsGone_relaunchesItFromTheBackupWithTheSameAttributesAndKey() {
        startWith(carefulServer());
        Volume sourceRoot = rootVolume(instance(SOURCE));
        Step failsAtTheEnd = new Step() {
            @Override
            public String name() {
                return "fail-after-cutover";
            }

            @Override
            public void run(StepContext context) {
                throw new MigrationException("injected failure after cutover");
            }
        };

        catchThrowableOfType(StepFailedException.class, () -> migration(SOURCE, SimulatedGuest.typical(), worker)
                .preservingIps().withStepAfter(Phase.CUTOVER, failsAtTheEnd).run());

        // the relaunch is new: a describe may not show it running yet
        Instance restored = settled(() -> ec2.describeInstances(b -> b.filters(
                        Filter.builder().name("private-ip-address").values(SOURCE_IP).build(),
                        Filter.builder().name("instance-state-name").values("running").build())))
                .reservations().get(0).instances().get(0);
        assertThat(restored.instanceId()).isNotEqualTo(SOURCE);
        assertThat(restored.virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(restored.instanceTypeAsString()).isEqualTo("m1.small");
        assertThat(restored.metadataOptions().httpTokensAsString()).isEqualTo("required");
        assertThat(restored.metadataOptions().httpPutResponseHopLimit()).isEqualTo(2);
        assertThat(restored.monitoring().stateAsString()).isEqualTo("enabled");
        assertThat(restored.placement().groupName()).isEqualTo("web-spread");
        assertThat(restored.placement().tenancyAsString()).isEqualTo("dedicated");
        assertThat(restored.sourceDestCheck()).isFalse();
        assertThat(eni(restored, 0).ipv6Addresses()).extracting(a -> a.ipv6Address()).containsExactly(V6_PRIMARY);
        Volume root = rootVolume(restored);
        assertThat(root.kmsKeyId()).isEqualTo(KEY);
        assertThat(root.volumeTypeAsString()).isEqualTo(sourceRoot.volumeTypeAsString());
        assertThat(root.throughput()).isEqualTo(250);
    }

    @Test
    void run_fromAStoppedSourceWithStopProtection_givesTheNewInstanceStopProtection() {
        startWith(InstanceSeed.of(SOURCE, PV_IMAGE).instanceType("m1.large").privateIp(SOURCE_IP).stopped()
                .disableApiStop(true));

        MigrationResult r = migration(SOURCE, SimulatedGuest.typical(), worker).preservingIps().run();

        assertThat(ec2.describeInstanceAttribute(b -> b.instanceId(r.newInstanceId())
                .attribute(InstanceAttributeName.DISABLE_API_STOP)).disableApiStop().value()).isTrue();
        // m5 has no CPU credits: none is asked for (EC2 would refuse it).
        assertThat(emulator.journal().calls("RunInstances"))
                .allSatisfy(c -> assertThat(c.param("CreditSpecification.CpuCredits")).isNull());
    }

    @Test
    void run_withMoreAddressesThanTheSuccessorHolds_getsTheSmallestSizeThatHoldsThem() {
        startWith(crowded());

        MigrationResult r = migration(SOURCE, SimulatedGuest.typical(), worker).preservingIps().run();

        Instance now = instance(r.newInstanceId());
        assertThat(now.instanceTypeAsString()).isEqualTo("r5.xlarge");
        assertThat(eni(now, 0).privateIpAddresses()).hasSize(12);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("r5.large", "r5.xlarge", "10"));
    }

    @Test
    void preflight_withANamedTypeTooSmallForTheAddresses_refusesNamingOneThatFits_andChangesNothing() {
        startWith(crowded());

        PreflightException e = catchThrowableOfType(PreflightException.class, () ->
                migration(SOURCE, SimulatedGuest.typical(), worker).preservingIps().withInstanceType("r5.large").run());

        assertThat(e.blockers()).singleElement().satisfies(b -> {
            assertThat(b.code()).isEqualTo("TARGET_TYPE_TOO_SMALL");
            assertThat(b.reason()).contains("r5.large", "10", "12");
            assertThat(b.fix()).contains("r5.xlarge");
        });
        assertThat(emulator.journal().mutatingCalls()).allSatisfy(c -> assertThat(c.param("DryRun")).isEqualTo("true"));
    }

    @Test
    void run_withACentos6GuestWithoutEnaOrNvme_landsOnAXenHvmType_andSaysSo() {
        startWith(EmulatedAws.webServer());
        SimulatedGuest oldKernel = SimulatedGuest.typical().withDrivers("xen_blkfront", "ata_piix");

        MigrationResult r = migration(SOURCE, oldKernel, worker).preservingIps().run();

        Instance now = instance(r.newInstanceId());
        assertThat(now.instanceTypeAsString()).isEqualTo("m4.large"); // not m5.large: Nitro needs nvme and ena
        assertThat(ec2.describeImages(b -> b.imageIds(r.newImageId())).images().get(0).enaSupport()).isFalse();
        assertThat(r.facts()).containsEntry("result.target-instance-type", "m4.large");
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("m5.large", "m4.large", "Xen HVM"));
        // The trial ran on the Xen type too, so what was verified is what runs.
        assertThat(emulator.journal().calls("RunInstances")).extracting(c -> c.param("InstanceType"))
                .doesNotContain("m5.large");
    }

    @Test
    void run_withACentos6GuestAndANamedNitroType_refusesInsteadOfSwitching() {
        startWith(EmulatedAws.webServer());
        SimulatedGuest oldKernel = SimulatedGuest.typical().withDrivers("xen_blkfront", "ata_piix");

        Throwable e = catchThrowableOfType(RuntimeException.class, () ->
                migration(SOURCE, oldKernel, worker).preservingIps().withInstanceType("m5.large").run());

        assertThat(e).hasMessageContaining("nvme");
        assertThat(instance(SOURCE).state().nameAsString()).isEqualTo("running");
        assertThat(emulator.journal().calls("RunInstances")).extracting(c -> c.param("InstanceType"))
                .doesNotContain("m5.large", "m4.large");
    }

    /** An m2.xlarge (15 addresses per interface) with 12 on its primary: r5.large, its successor, takes 10. */
    private static InstanceSeed crowded() {
        InstanceSeed s = InstanceSeed.of(SOURCE, PV_IMAGE).instanceType("m2.xlarge").privateIp(SOURCE_IP);
        for (int i = 0; i < 11; i++) {
            s.secondaryPrivateIp("10.0.1." + (30 + i));
        }
        return s;
    }

    private Instance instance(String id) {
        return ec2.describeInstances(b -> b.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    private Volume rootVolume(Instance i) {
        String id = i.blockDeviceMappings().stream().filter(m -> m.deviceName().equals(i.rootDeviceName()))
                .findFirst().orElseThrow().ebs().volumeId();
        return ec2.describeVolumes(b -> b.volumeIds(id)).volumes().get(0);
    }

    private static InstanceNetworkInterface eni(Instance i, int index) {
        List<InstanceNetworkInterface> enis = i.networkInterfaces();
        return enis.stream().filter(n -> n.attachment().deviceIndex() == index).findFirst().orElseThrow();
    }
}
