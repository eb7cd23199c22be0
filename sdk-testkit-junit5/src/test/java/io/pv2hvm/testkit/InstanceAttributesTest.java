package io.pv2hvm.testkit;

import io.pv2hvm.testkit.junit5.Ec2EmulatorExtension;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.NetworkInterfaceSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Volume;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The emulator stores and returns what shapes an instance beyond its image: metadata options,
 * CPU credits, monitoring, placement, stop protection, IPv6, source/destination check, and EBS
 * encryption with its KMS key through snapshots and volumes; and refuses what EC2 refuses.
 */
class InstanceAttributesTest {
    private static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String SERVER = "i-0feedfeedfeedfee1";
    private static final String V6 = "2600:1f18:aaaa:bb01::10";

    @RegisterExtension
    static Ec2EmulatorExtension extension = Ec2EmulatorExtension.of(Ec2Emulator.builder().world(World.builder().defaultNetwork()
            .image(ImageSeed.hvm("ami-0feedfeedfeedfee1", "app").enaSupport(true))
            .instance(InstanceSeed.of(SERVER, "ami-0feedfeedfeedfee1").instanceType("m5.large")
                    .root(VolumeSeed.of("/dev/xvda", 8).volumeType("gp3").iops(3000).throughput(300).encryptedWith(KEY))
                    .metadataOptions("required", 3, "enabled", "enabled").detailedMonitoring().disableApiStop(true)
                    .placementGroup("db-cluster").tenancy("dedicated").ipv6Address(V6).sourceDestCheck(false)
                    .secondaryEni(NetworkInterfaceSeed.in(World.SUBNET_A, "10.0.1.77").ipv6Address("2600:1f18:aaaa:bb01::77")))
            .build()));
    static Ec2Emulator aws = extension.emulator();

    private Ec2Client ec2;

    @BeforeEach
    void clients() {
        aws.reset();
        ec2 = AwsClients.ec2NoRetry(aws);
    }

    @AfterEach
    void close() {
        ec2.close();
    }

    private Instance instance(String id) {
        return ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    private Volume root(Instance i) {
        String id = i.blockDeviceMappings().get(0).ebs().volumeId();
        return ec2.describeVolumes(r -> r.volumeIds(id)).volumes().get(0);
    }

    private static String code(Throwable t) {
        return ((Ec2Exception) t).awsErrorDetails().errorCode();
    }

    private String launch(Consumer<RunInstancesRequest.Builder> more) {
        RunInstancesRequest.Builder r = RunInstancesRequest.builder().imageId("ami-0feedfeedfeedfee1").minCount(1)
                .maxCount(1).subnetId(World.SUBNET_A);
        more.accept(r);
        return ec2.runInstances(r.build()).instances().get(0).instanceId();
    }

    private int instanceCount() {
        return (int) ec2.describeInstances().reservations().stream().mapToLong(r -> r.instances().size()).sum();
    }

    @Test
    void seededAttributes_areReturnedByDescribeInstancesAttributesAndVolumes() {
        Instance i = instance(SERVER);

        assertThat(i.metadataOptions().httpTokensAsString()).isEqualTo("required");
        assertThat(i.metadataOptions().httpPutResponseHopLimit()).isEqualTo(3);
        assertThat(i.metadataOptions().instanceMetadataTagsAsString()).isEqualTo("enabled");
        assertThat(i.monitoring().stateAsString()).isEqualTo("enabled");
        assertThat(i.placement().groupName()).isEqualTo("db-cluster");
        assertThat(i.placement().tenancyAsString()).isEqualTo("dedicated");
        assertThat(i.sourceDestCheck()).isFalse();
        assertThat(i.networkInterfaces()).anySatisfy(n -> assertThat(n.ipv6Addresses())
                .extracting(a -> a.ipv6Address()).containsExactly(V6));
        assertThat(i.networkInterfaces()).anySatisfy(n -> assertThat(n.ipv6Addresses())
                .extracting(a -> a.ipv6Address()).containsExactly("2600:1f18:aaaa:bb01::77"));
        assertThat(ec2.describeInstanceAttribute(r -> r.instanceId(SERVER).attribute(InstanceAttributeName.DISABLE_API_STOP))
                .disableApiStop().value()).isTrue();
        Volume root = root(i);
        assertThat(root.encrypted()).isTrue();
        assertThat(root.kmsKeyId()).isEqualTo(KEY);
        assertThat(root.throughput()).isEqualTo(300);
        assertThat(root.iops()).isEqualTo(3000);
    }

    @Test
    void snapshotOfAnEncryptedVolume_andVolumesAndInstancesFromIt_keepItsKey() {
        String rootId = root(instance(SERVER)).volumeId();
        var snap = ec2.createSnapshot(r -> r.volumeId(rootId));
        assertThat(snap.encrypted()).isTrue();
        assertThat(snap.kmsKeyId()).isEqualTo(KEY);
        Polling.until(() -> ec2.describeSnapshots(r -> r.snapshotIds(snap.snapshotId())).snapshots().get(0)
                .stateAsString().equals("completed"));

        var fromSnapshot = ec2.createVolume(r -> r.availabilityZone("us-east-1a").snapshotId(snap.snapshotId()));
        assertThat(fromSnapshot.encrypted()).isTrue();
        assertThat(fromSnapshot.kmsKeyId()).isEqualTo(KEY);

        String image = ec2.registerImage(r -> r.name("copy").rootDeviceName("/dev/xvda").virtualizationType("hvm")
                .architecture("x86_64").enaSupport(true).blockDeviceMappings(b -> b.deviceName("/dev/xvda")
                        .ebs(e -> e.snapshotId(snap.snapshotId())))).imageId();
        Polling.until(() -> ec2.describeImages(r -> r.imageIds(image)).images().get(0).stateAsString().equals("available"));
        assertThat(ec2.describeImages(r -> r.imageIds(image)).images().get(0).blockDeviceMappings().get(0).ebs().encrypted())
                .isTrue();
        String launched = ec2.runInstances(r -> r.imageId(image).instanceType("m5.large").minCount(1).maxCount(1)
                .subnetId(World.SUBNET_A)).instances().get(0).instanceId();
        assertThat(root(instance(launched)).kmsKeyId()).isEqualTo(KEY);
    }

    @Test
    void registerImage_takesTheKeyFromItsSnapshots_refusingAKmsKeyIdOrUnencryptingOne_andRegistersNothing() {
        String rootId = root(instance(SERVER)).volumeId();
        var snap = ec2.createSnapshot(r -> r.volumeId(rootId));
        Polling.until(() -> ec2.describeSnapshots(r -> r.snapshotIds(snap.snapshotId())).snapshots().get(0)
                .stateAsString().equals("completed"));
        int images = ec2.describeImages(r -> r.owners("self")).images().size();

        Throwable withKey = catchThrowableOfType(Ec2Exception.class, () -> ec2.registerImage(r -> r.name("with-key")
                .rootDeviceName("/dev/xvda").virtualizationType("hvm").architecture("x86_64").blockDeviceMappings(b -> b
                        .deviceName("/dev/xvda").ebs(e -> e.snapshotId(snap.snapshotId()).encrypted(true).kmsKeyId(KEY)))));
        Throwable unencrypted = catchThrowableOfType(Ec2Exception.class, () -> ec2.registerImage(r -> r.name("unencrypted")
                .rootDeviceName("/dev/xvda").virtualizationType("hvm").architecture("x86_64").blockDeviceMappings(b -> b
                        .deviceName("/dev/xvda").ebs(e -> e.snapshotId(snap.snapshotId()).encrypted(false)))));

        assertThat(code(withKey)).isEqualTo("InvalidParameterCombination");
        assertThat(withKey).hasMessageContaining("only RunInstances");
        assertThat(code(unencrypted)).isEqualTo("InvalidParameterCombination");
        assertThat(ec2.describeImages(r -> r.owners("self")).images()).hasSize(images);
    }

    @Test
    void attachingAVolumeOfTheKey_recordsTheKeyAsTouched_forTheCallersKmsPermissions() {
        String rootId = root(instance(SERVER)).volumeId();
        var snap = ec2.createSnapshot(r -> r.volumeId(rootId));
        Polling.until(() -> ec2.describeSnapshots(r -> r.snapshotIds(snap.snapshotId())).snapshots().get(0)
                .stateAsString().equals("completed"));
        String copy = ec2.createVolume(r -> r.availabilityZone("us-east-1a").snapshotId(snap.snapshotId())).volumeId();
        Polling.until(() -> ec2.describeVolumes(r -> r.volumeIds(copy)).volumes().get(0).stateAsString().equals("available"));

        ec2.attachVolume(r -> r.volumeId(copy).instanceId(SERVER).device("/dev/sdh"));

        assertThat(aws.journal().calls("AttachVolume")).filteredOn(c -> copy.equals(c.param("VolumeId"))).singleElement()
                .satisfies(c -> assertThat(c.resources()).extracting(TouchedResource::arn).contains(KEY));
        assertThat(aws.journal().calls("CreateVolume")).filteredOn(c -> snap.snapshotId().equals(c.param("SnapshotId")))
                .singleElement().satisfies(c -> assertThat(c.resources()).extracting(TouchedResource::arn).contains(KEY));
    }

    @Test
    void createVolume_encryptedWithoutAKey_usesTheAccountsEbsKey_andAKeyWithoutEncryptedIsRefused() {
        var v = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(1).encrypted(true));
        assertThat(v.kmsKeyId()).startsWith("arn:aws:kms:us-east-1:123456789012:key/");

        Throwable e = catchThrowableOfType(Ec2Exception.class, () ->
                ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(1).kmsKeyId(KEY)));
        assertThat(code(e)).isEqualTo("InvalidParameterDependency");
        Throwable gp2 = catchThrowableOfType(Ec2Exception.class, () ->
                ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(1).volumeType("gp2").throughput(200)));
        assertThat(code(gp2)).isEqualTo("InvalidParameterCombination");
    }

    @Test
    void runInstances_storesMetadataOptionsMonitoringStopProtectionAndCredits() {
        String id = launch(r -> r.instanceType("t3.micro")
                .metadataOptions(m -> m.httpTokens("required").httpPutResponseHopLimit(2).instanceMetadataTags("enabled"))
                .monitoring(m -> m.enabled(true)).disableApiStop(true).creditSpecification(c -> c.cpuCredits("standard")));

        Instance i = instance(id);
        assertThat(i.metadataOptions().httpTokensAsString()).isEqualTo("required");
        assertThat(i.metadataOptions().httpPutResponseHopLimit()).isEqualTo(2);
        assertThat(i.monitoring().stateAsString()).isEqualTo("enabled");
        assertThat(ec2.describeInstanceAttribute(r -> r.instanceId(id).attribute(InstanceAttributeName.DISABLE_API_STOP))
                .disableApiStop().value()).isTrue();
        assertThat(ec2.describeInstanceCreditSpecifications(r -> r.instanceIds(id)).instanceCreditSpecifications()
                .get(0).cpuCredits()).isEqualTo("standard");
    }

    @Test
    void runInstances_withoutCreditSpecification_givesT3UnlimitedAndT2Standard() {
        String t3 = launch(r -> r.instanceType("t3.micro"));
        String t2 = launch(r -> r.instanceType("t2.micro"));

        assertThat(ec2.describeInstanceCreditSpecifications(r -> r.instanceIds(t3, t2)).instanceCreditSpecifications())
                .extracting(c -> c.instanceId() + "=" + c.cpuCredits())
                .containsExactlyInAnyOrder(t3 + "=unlimited", t2 + "=standard");
    }

    @Test
    void creditSpecificationOnANonBurstableType_isRefused_andLaunchesNothing() {
        int before = instanceCount();

        Throwable e = catchThrowableOfType(Ec2Exception.class, () ->
                launch(r -> r.instanceType("m5.large").creditSpecification(c -> c.cpuCredits("unlimited"))));

        assertThat(code(e)).isEqualTo("InvalidParameterCombination");
        assertThat(instanceCount()).isEqualTo(before);
        Throwable describe = catchThrowableOfType(Ec2Exception.class, () ->
                ec2.describeInstanceCreditSpecifications(r -> r.instanceIds(SERVER)));
        assertThat(code(describe)).isEqualTo("InvalidInstanceType");
    }

    @Test
    void unknownPlacementGroupAndAnIpv6AddressInUse_areRefused_andLaunchNothing() {
        int before = instanceCount();

        Throwable group = catchThrowableOfType(Ec2Exception.class, () ->
                launch(r -> r.instanceType("m5.large").placement(p -> p.groupName("nope"))));
        Throwable inUse = catchThrowableOfType(Ec2Exception.class, () -> ec2.runInstances(r -> r
                .imageId("ami-0feedfeedfeedfee1").instanceType("m5.large").minCount(1).maxCount(1)
                .networkInterfaces(n -> n.deviceIndex(0).subnetId(World.SUBNET_A).ipv6Addresses(a -> a.ipv6Address(V6)))));
        Throwable hops = catchThrowableOfType(Ec2Exception.class, () ->
                launch(r -> r.instanceType("m5.large").metadataOptions(m -> m.httpPutResponseHopLimit(65))));

        assertThat(code(group)).isEqualTo("InvalidPlacementGroup.Unknown");
        assertThat(code(inUse)).isEqualTo("InvalidIPAddress.InUse");
        assertThat(code(hops)).isEqualTo("InvalidParameterValue");
        assertThat(instanceCount()).isEqualTo(before);
    }

    @Test
    void runInstances_keepsTheRequestedIpv6AddressesAndPlacement() {
        String id = ec2.runInstances(r -> r.imageId("ami-0feedfeedfeedfee1").instanceType("m5.large").minCount(1)
                .maxCount(1).placement(p -> p.groupName("db-cluster").tenancy("dedicated"))
                .networkInterfaces(n -> n.deviceIndex(0).subnetId(World.SUBNET_A)
                        .ipv6Addresses(a -> a.ipv6Address("2600:1f18:aaaa:bb01::99")))).instances().get(0).instanceId();

        Instance i = instance(id);
        assertThat(i.placement().groupName()).isEqualTo("db-cluster");
        assertThat(i.placement().tenancyAsString()).isEqualTo("dedicated");
        assertThat(i.networkInterfaces().get(0).ipv6Addresses()).extracting(a -> a.ipv6Address())
                .containsExactly("2600:1f18:aaaa:bb01::99");
    }
}
