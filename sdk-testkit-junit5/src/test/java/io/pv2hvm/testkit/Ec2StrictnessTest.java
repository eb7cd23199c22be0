package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.junit5.Ec2EmulatorExtension;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterfaceSpecification;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;

/**
 * Each EC2 rule the emulator enforces, through the real SDK client: the refused request gets
 * EC2's error code and changes nothing; the nearest accepted request succeeds, so a rule that
 * refused everything would fail too.
 */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class Ec2StrictnessTest {

    static final String HVM_NO_ENA_IMAGE = "ami-0e0e0e0e0e0e0e0e1";
    static final String INSTANCE_STORE_ROOT = "i-0c0c0c0c0c0c0c0c1";

    @RegisterExtension
    static Ec2EmulatorExtension extension = Ec2EmulatorExtension.of(Ec2Emulator.builder().world(world()));
    static Ec2Emulator aws = extension.emulator();

    private Ec2Client ec2;
    private Ec2Waiter waiter;

    static World world() {
        return World.builder().defaultNetwork()
                .keyPair("ops")
                .instanceProfile("app-role")
                .image(ImageSeed.pv(Worlds.PV_IMAGE, "centos6-pv").rootSnapshotId(Worlds.PV_ROOT_SNAPSHOT))
                .image(ImageSeed.hvm(HVM_NO_ENA_IMAGE, "centos7-hvm-no-ena").enaSupport(false))
                .instance(InstanceSeed.of(Worlds.SOURCE, Worlds.PV_IMAGE).instanceType("m1.large").privateIp(Worlds.SOURCE_IP)
                        .secondaryEni(io.pv2hvm.testkit.world.NetworkInterfaceSeed.in(World.SUBNET_A, Worlds.SOURCE_ENI2_IP)
                                .id(Worlds.SOURCE_ENI2)))
                .instance(InstanceSeed.of(INSTANCE_STORE_ROOT, Worlds.PV_IMAGE).instanceType("m1.small").instanceStoreRoot())
                .elasticIp(Worlds.SOURCE_EIP, "198.51.100.200", null)
                .build();
    }

    @BeforeEach
    void clients() {
        aws.reset();
        ec2 = AwsClients.ec2NoRetry(aws);
        waiter = AwsClients.waiter(AwsClients.ec2(aws));
    }

    @AfterEach
    void close() {
        waiter.close();
        ec2.close();
    }

    private List<String> instanceIds() {
        return ec2.describeInstances().reservations().stream().flatMap(r -> r.instances().stream())
                .map(Instance::instanceId).sorted().toList();
    }

    private String launch(Consumer<RunInstancesRequest.Builder> request) {
        return ec2.runInstances(r -> {
            r.minCount(1).maxCount(1);
            request.accept(r);
        }).instances().get(0).instanceId();
    }

    /** Asserts the request is refused with {@code code} and that no instance appeared. */
    private Ec2Exception refusedLaunch(String code, Consumer<RunInstancesRequest.Builder> request) {
        List<String> before = instanceIds();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> launch(request));
        assertThat(t).isInstanceOf(Ec2Exception.class);
        Ec2Exception e = (Ec2Exception) t;
        assertThat(e.awsErrorDetails().errorCode()).as(e.getMessage()).isEqualTo(code);
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(instanceIds()).isEqualTo(before);
        return e;
    }

    private static String errorCode(Throwable t) {
        return ((Ec2Exception) t).awsErrorDetails().errorCode();
    }

    // ------------------------------------------------------------------ RunInstances

    @Test
    void runInstances_refusesMorePrivateIpsOnAnInterfaceThanTheTypeAllows() {
        // m1.small: 4 IPv4 addresses per interface, so a primary and 4 secondaries are one too many.
        refusedLaunch("InvalidInterface.IpAddressLimitExceeded", r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small")
                .networkInterfaces(n -> n.deviceIndex(0).subnetId(World.SUBNET_A).secondaryPrivateIpAddressCount(4)));
        String id = launch(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small")
                .networkInterfaces(n -> n.deviceIndex(0).subnetId(World.SUBNET_A).secondaryPrivateIpAddressCount(3)));
        assertThat(ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0)
                .networkInterfaces().get(0).privateIpAddresses()).hasSize(4);
    }

    @Test
    void runInstances_refusesMoreInterfacesThanTheTypeAllows() {
        // m1.small: 2 network interfaces.
        List<InstanceNetworkInterfaceSpecification> three = List.of(0, 1, 2).stream().map(k ->
                InstanceNetworkInterfaceSpecification.builder().deviceIndex(k).subnetId(World.SUBNET_A).build()).toList();
        refusedLaunch("AttachmentLimitExceeded", r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small").networkInterfaces(three));
        String id = launch(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small").networkInterfaces(three.subList(0, 2)));
        assertThat(ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0).networkInterfaces()).hasSize(2);
    }

    @Test
    void runInstances_withTheTokenOfATerminatedInstance_isIdempotentInstanceTerminated_notA500() {
        Consumer<RunInstancesRequest.Builder> request = r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small")
                .subnetId(World.SUBNET_A).clientToken("mig-1-trial");
        String id = launch(request);
        assertThat(launch(request)).as("a retry with the same token answers the same instance").isEqualTo(id);
        ec2.terminateInstances(r -> r.instanceIds(id));
        waiter.waitUntilInstanceTerminated(r -> r.instanceIds(id)).matched().response().orElseThrow();

        Ec2Exception e = refusedLaunch("IdempotentInstanceTerminated", request);
        assertThat(e.getMessage()).contains(id);
    }

    @Test
    void runInstances_clientTokenIsAtMost64Characters_andBoundToItsParameters() {
        String token65 = "t".repeat(65);
        refusedLaunch("InvalidParameterValue", r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small").clientToken(token65));
        String token64 = "t".repeat(64);
        launch(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small").clientToken(token64));
        refusedLaunch("IdempotentParameterMismatch", r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.medium").clientToken(token64));
    }

    @Test
    void runInstances_userDataMustBeBase64AndAtMost16KiBRaw() {
        refusedLaunch("InvalidParameterValue", r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small")
                .userData("#!/bin/sh\necho not base64"));
        String tooBig = Base64.getEncoder().encodeToString(new byte[16 * 1024 + 1]);
        refusedLaunch("InvalidParameterValue", r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small").userData(tooBig));
        String limit = Base64.getEncoder().encodeToString("x".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII));
        String id = launch(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small").userData(limit));
        assertThat(ec2.describeInstanceAttribute(r -> r.instanceId(id).attribute("userData")).userData().value()).isEqualTo(limit);
    }

    @Test
    void runInstances_refusesDeleteOnTerminationForAnExistingInterface() {
        String eni = ec2.createNetworkInterface(r -> r.subnetId(World.SUBNET_A)).networkInterface().networkInterfaceId();
        refusedLaunch("InvalidParameterCombination", r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small")
                .networkInterfaces(n -> n.deviceIndex(0).networkInterfaceId(eni).deleteOnTermination(true)));
        assertThat(ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni)).networkInterfaces().get(0).statusAsString())
                .isEqualTo("available");
        launch(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small")
                .networkInterfaces(n -> n.deviceIndex(0).networkInterfaceId(eni).deleteOnTermination(false)));
    }

    @Test
    void runInstances_refusesEbsOptimizedWhereTheTypeDoesNotOfferIt() {
        refusedLaunch("InvalidParameterCombination", r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small").ebsOptimized(true));
        String m1large = launch(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.large").ebsOptimized(true));
        String m5 = launch(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("m5.large"));
        assertThat(ec2.describeInstances(r -> r.instanceIds(m1large, m5)).reservations().stream()
                .flatMap(x -> x.instances().stream()).map(Instance::ebsOptimized).toList())
                .as("EBS optimization as asked on m1.large, by default on m5.large").containsExactly(true, true);
    }

    @Test
    void modifyInstanceAttribute_refusesEbsOptimizedWhereTheTypeDoesNotOfferIt() {
        String id = launch(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small"));
        waiter.waitUntilInstanceRunning(r -> r.instanceIds(id));
        ec2.stopInstances(r -> r.instanceIds(id));
        waiter.waitUntilInstanceStopped(r -> r.instanceIds(id));

        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ec2.modifyInstanceAttribute(r -> r.instanceId(id)
                .ebsOptimized(b -> b.value(true))));
        assertThat(errorCode(t)).isEqualTo("InvalidParameterCombination");
        assertThat(ec2.describeInstanceAttribute(r -> r.instanceId(id).attribute("ebsOptimized")).ebsOptimized().value()).isFalse();
        ec2.modifyInstanceAttribute(r -> r.instanceId(id).instanceType(b -> b.value("m1.large")));
        ec2.modifyInstanceAttribute(r -> r.instanceId(id).ebsOptimized(b -> b.value(true)));
        assertThat(ec2.describeInstanceAttribute(r -> r.instanceId(id).attribute("ebsOptimized")).ebsOptimized().value()).isTrue();
    }

    @Test
    void modifyInstanceAttribute_refusesAnHvmInstanceMovingToAFirstGenerationType() {
        String id = launch(r -> r.imageId(HVM_NO_ENA_IMAGE).instanceType("t2.micro"));
        waiter.waitUntilInstanceRunning(r -> r.instanceIds(id));
        ec2.stopInstances(r -> r.instanceIds(id));
        waiter.waitUntilInstanceStopped(r -> r.instanceIds(id));

        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ec2.modifyInstanceAttribute(r -> r.instanceId(id)
                .instanceType(b -> b.value("m1.small"))));
        assertThat(errorCode(t)).isEqualTo("InvalidParameterCombination");
        assertThat(ec2.describeInstanceAttribute(r -> r.instanceId(id).attribute("instanceType")).instanceType().value())
                .isEqualTo("t2.micro");
    }

    @Test
    void runInstances_refusesLinuxHvmOnTheFirstGenerationFamilies() {
        for (String type : List.of("t1.micro", "m1.small", "m1.large", "m2.xlarge", "c1.medium")) {
            Ec2Exception e = refusedLaunch("InvalidParameterCombination", r -> r.imageId(HVM_NO_ENA_IMAGE).instanceType(type));
            assertThat(e.getMessage()).contains("Non-Windows instances with a virtualization type of 'hvm' are currently not"
                    + " supported for this instance type");
        }
        launch(r -> r.imageId(HVM_NO_ENA_IMAGE).instanceType("m3.medium"));
        launch(r -> r.imageId(HVM_NO_ENA_IMAGE).instanceType("t2.micro"));
    }

    // ------------------------------------------------------------------ DescribeInstanceTypes

    private InstanceTypeInfo type(String name) {
        return ec2.describeInstanceTypes(r -> r.instanceTypesWithStrings(name)).instanceTypes().get(0);
    }

    @Test
    void describeInstanceTypes_reportsRootDevicesEbsOptimizationBootModesAndArchitecturesPerType() {
        assertThat(type("t1.micro").supportedRootDeviceTypesAsStrings()).containsExactly("ebs");
        assertThat(type("m1.large").supportedRootDeviceTypesAsStrings()).containsExactly("ebs", "instance-store");
        assertThat(type("m5.large").supportedRootDeviceTypesAsStrings()).containsExactly("ebs");

        assertThat(type("m1.small").ebsInfo().ebsOptimizedSupportAsString()).isEqualTo("unsupported");
        assertThat(type("m1.large").ebsInfo().ebsOptimizedSupportAsString()).isEqualTo("supported");
        assertThat(type("t2.micro").ebsInfo().ebsOptimizedSupportAsString()).isEqualTo("unsupported");
        assertThat(type("m5.large").ebsInfo().ebsOptimizedSupportAsString()).isEqualTo("default");

        assertThat(type("m5.large").supportedBootModesAsStrings()).containsExactly("legacy-bios", "uefi");
        assertThat(type("t2.micro").supportedBootModesAsStrings()).containsExactly("legacy-bios");
        assertThat(type("m4.large").supportedBootModesAsStrings()).containsExactly("legacy-bios");
        assertThat(type("m1.small").supportedBootModesAsStrings()).containsExactly("legacy-bios");

        assertThat(type("t1.micro").processorInfo().supportedArchitecturesAsStrings()).containsExactly("i386", "x86_64");
        assertThat(type("t2.micro").processorInfo().supportedArchitecturesAsStrings()).containsExactly("i386", "x86_64");
        assertThat(type("m5.large").processorInfo().supportedArchitecturesAsStrings()).containsExactly("x86_64");

        assertThat(ec2.describeInstanceTypes(r -> r.filters(f -> f.name("supported-boot-mode").values("uefi")))
                .instanceTypes()).extracting(InstanceTypeInfo::hypervisorAsString).containsOnly("nitro").isNotEmpty();
    }

    // ------------------------------------------------------------------ Stop / Start

    @Test
    void stopInstances_refusesAnInstanceStoreRoot() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ec2.stopInstances(r -> r.instanceIds(INSTANCE_STORE_ROOT)));
        assertThat(errorCode(t)).isEqualTo("UnsupportedOperation");
        assertThat(ec2.describeInstances(r -> r.instanceIds(INSTANCE_STORE_ROOT)).reservations().get(0).instances().get(0)
                .state().nameAsString()).isEqualTo("running");
    }

    @Test
    void startInstances_refusesAStoppedInstanceWithoutARootVolume_untilOneIsAttachedThere() {
        String id = launch(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("m5.large"));
        waiter.waitUntilInstanceRunning(r -> r.instanceIds(id));
        ec2.stopInstances(r -> r.instanceIds(id));
        waiter.waitUntilInstanceStopped(r -> r.instanceIds(id));
        var instance = ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0);
        String root = instance.blockDeviceMappings().get(0).ebs().volumeId();
        ec2.detachVolume(r -> r.volumeId(root));
        waiter.waitUntilVolumeAvailable(r -> r.volumeIds(root));

        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ec2.startInstances(r -> r.instanceIds(id)));
        assertThat(errorCode(t)).isEqualTo("IncorrectInstanceState");
        assertThat(ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0).state().nameAsString())
                .isEqualTo("stopped");
        ec2.attachVolume(r -> r.volumeId(root).instanceId(id).device(instance.rootDeviceName()));
        ec2.startInstances(r -> r.instanceIds(id));
        waiter.waitUntilInstanceRunning(r -> r.instanceIds(id));
    }

    @Test
    void startInstances_recheckesEna_onAnEnaRequiredType() {
        String id = launch(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("m5.large"));
        waiter.waitUntilInstanceRunning(r -> r.instanceIds(id));
        ec2.stopInstances(r -> r.instanceIds(id));
        waiter.waitUntilInstanceStopped(r -> r.instanceIds(id));
        ec2.modifyInstanceAttribute(r -> r.instanceId(id).enaSupport(b -> b.value(false)));

        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ec2.startInstances(r -> r.instanceIds(id)));
        assertThat(errorCode(t)).isEqualTo("InvalidParameterCombination");
        assertThat(ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0).state().nameAsString())
                .isEqualTo("stopped");
        ec2.modifyInstanceAttribute(r -> r.instanceId(id).enaSupport(b -> b.value(true)));
        ec2.startInstances(r -> r.instanceIds(id));
    }

    // ------------------------------------------------------------------ RegisterImage

    private String register(Consumer<software.amazon.awssdk.services.ec2.model.RegisterImageRequest.Builder> change) {
        return ec2.registerImage(r -> {
            r.name("pv2hvm-test-image").virtualizationType("hvm").architecture("x86_64").rootDeviceName("/dev/xvda")
                    .blockDeviceMappings(b -> b.deviceName("/dev/xvda").ebs(e -> e.snapshotId(Worlds.PV_ROOT_SNAPSHOT)));
            change.accept(r);
        }).imageId();
    }

    private void refusedRegistration(String code, Consumer<software.amazon.awssdk.services.ec2.model.RegisterImageRequest.Builder> change) {
        int before = ec2.describeImages(r -> r.owners("self")).images().size();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> register(change));
        assertThat(t).isInstanceOf(Ec2Exception.class);
        assertThat(errorCode(t)).as(t.getMessage()).isEqualTo(code);
        assertThat(ec2.describeImages(r -> r.owners("self")).images()).hasSize(before);
    }

    @Test
    void registerImage_validatesNameRootDeviceSriovAndBootMode() {
        refusedRegistration("InvalidAMIName.Malformed", r -> r.name("pv2hvm:2026-12-05T09:00"));
        refusedRegistration("InvalidAMIName.Malformed", r -> r.name("ab"));
        refusedRegistration("InvalidAMIName.Malformed", r -> r.name("x".repeat(129)));
        refusedRegistration("InvalidParameterValue", r -> r.rootDeviceName("/dev/sdb")
                .blockDeviceMappings(b -> b.deviceName("/dev/sdb").ebs(e -> e.snapshotId(Worlds.PV_ROOT_SNAPSHOT))));
        refusedRegistration("InvalidParameterValue", r -> r.sriovNetSupport("complex"));
        refusedRegistration("InvalidParameterValue", r -> r.bootMode("bios"));
        refusedRegistration("InvalidParameterCombination", r -> r.virtualizationType("paravirtual").rootDeviceName("/dev/sda1")
                .blockDeviceMappings(b -> b.deviceName("/dev/sda1").ebs(e -> e.snapshotId(Worlds.PV_ROOT_SNAPSHOT))).bootMode("uefi"));

        assertThat(register(r -> r.name("pv2hvm (i-0123) [final] 2026/12/05 o'clock @web_1.x").sriovNetSupport("simple")
                .bootMode("legacy-bios"))).startsWith("ami-");
        assertThat(register(r -> r.name("root-at-sda1").rootDeviceName("/dev/sda1")
                .blockDeviceMappings(b -> b.deviceName("/dev/sda1").ebs(e -> e.snapshotId(Worlds.PV_ROOT_SNAPSHOT))).bootMode("uefi")))
                .startsWith("ami-");
    }

    // ------------------------------------------------------------------ AssociateAddress

    @Test
    void associateAddress_byInstanceIdOfAMultiInterfaceInstance_isRefused() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ec2.associateAddress(r -> r
                .allocationId(Worlds.SOURCE_EIP).instanceId(Worlds.SOURCE)));
        assertThat(errorCode(t)).isEqualTo("InvalidInstanceID");
        assertThat(t.getMessage()).contains("There are multiple interfaces attached to instance");
        assertThat(ec2.describeAddresses(r -> r.allocationIds(Worlds.SOURCE_EIP)).addresses().get(0).associationId()).isNull();

        String eni = ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE)).reservations().get(0).instances().get(0)
                .networkInterfaces().stream().filter(n -> n.attachment().deviceIndex() == 0).findFirst().orElseThrow()
                .networkInterfaceId();
        assertThat(ec2.associateAddress(r -> r.allocationId(Worlds.SOURCE_EIP).networkInterfaceId(eni)).associationId())
                .startsWith("eipassoc-");
    }

    @Test
    void associateAddress_reassociatesByDefaultInAVpc_andRefusesOnlyWithAllowReassociationFalse() {
        String single = launch(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m1.small").subnetId(World.SUBNET_A));
        waiter.waitUntilInstanceRunning(r -> r.instanceIds(single));
        ec2.associateAddress(r -> r.allocationId(Worlds.SOURCE_EIP).networkInterfaceId(Worlds.SOURCE_ENI2));

        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ec2.associateAddress(r -> r
                .allocationId(Worlds.SOURCE_EIP).instanceId(single).allowReassociation(false)));
        assertThat(errorCode(t)).isEqualTo("Resource.AlreadyAssociated");
        assertThat(ec2.describeAddresses(r -> r.allocationIds(Worlds.SOURCE_EIP)).addresses().get(0).networkInterfaceId())
                .isEqualTo(Worlds.SOURCE_ENI2);

        ec2.associateAddress(r -> r.allocationId(Worlds.SOURCE_EIP).instanceId(single));
        assertThat(ec2.describeAddresses(r -> r.allocationIds(Worlds.SOURCE_EIP)).addresses().get(0).instanceId()).isEqualTo(single);
    }

    // ------------------------------------------------------------------ pagination

    @Test
    void describeVolumesAndSnapshots_acceptAndCapALargeMaxResults_othersKeepTheirDocumentedRange() {
        assertThat(ec2.describeVolumes(r -> r.maxResults(1000)).volumes()).isNotEmpty();
        assertThat(ec2.describeSnapshots(r -> r.ownerIds("self").maxResults(5000)).snapshots()).isNotNull();
        Throwable tooSmall = org.assertj.core.api.Assertions.catchThrowable(() -> ec2.describeVolumes(r -> r.maxResults(4)));
        assertThat(errorCode(tooSmall)).isEqualTo("InvalidParameterValue");
        Throwable tooLarge = org.assertj.core.api.Assertions.catchThrowable(() -> ec2.describeInstances(r -> r.maxResults(1001)));
        assertThat(errorCode(tooLarge)).isEqualTo("InvalidParameterValue");
    }
}
