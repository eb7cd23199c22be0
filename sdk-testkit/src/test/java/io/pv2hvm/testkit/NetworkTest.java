package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.SubnetSeed;
import io.pv2hvm.testkit.world.World;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.NetworkInterfaceAttribute;

/** Private IP release, Elastic IPs, secondary addresses and ENIs, on a manual clock. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class NetworkTest {

    private final ManualClock clock = ManualClock.create();
    private Ec2Emulator aws;
    private Ec2Client ec2;

    @BeforeEach
    void start() {
        aws = Ec2Emulator.builder().world(Worlds.migration()).clock(clock).latency(LatencyModel.realistic()).build().start();
        ec2 = AwsClients.ec2(aws);
    }

    @AfterEach
    void stop() {
        ec2.close();
        aws.stop();
    }

    private static String code(Throwable t) {
        return ((Ec2Exception) t).awsErrorDetails().errorCode();
    }

    private String state(String id) {
        return ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0).state().nameAsString();
    }

    private void launchWithIp(String ip) {
        ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1).maxCount(1)
                .subnetId(World.SUBNET_A).privateIpAddress(ip));
    }

    private List<NetworkInterface> enisHolding(String ip) {
        return ec2.describeNetworkInterfaces(r -> r.filters(f -> f.name("addresses.private-ip-address").values(ip),
                f -> f.name("subnet-id").values(World.SUBNET_A))).networkInterfaces();
    }

    @Test
    void privateIp_isInUseUntilTerminatedPlusReleaseDelay_thenReusable() {
        ec2.terminateInstances(r -> r.instanceIds(Worlds.SOURCE));
        assertThat(state(Worlds.SOURCE)).isEqualTo("shutting-down");
        assertThatThrownBy(() -> launchWithIp(Worlds.SOURCE_IP)).isInstanceOfSatisfying(Ec2Exception.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidIPAddress.InUse");
            assertThat(e.statusCode()).isEqualTo(400);
        });

        clock.advance(Duration.ofSeconds(60));
        assertThat(state(Worlds.SOURCE)).isEqualTo("terminated");
        var gone = ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE)).reservations().get(0).instances().get(0);
        assertThat(gone.privateIpAddress()).isNull();
        assertThat(gone.networkInterfaces()).isEmpty();
        // Released 5 s after terminated by default: the address is still held by the old ENI.
        assertThat(enisHolding(Worlds.SOURCE_IP)).hasSize(1);
        assertThatThrownBy(() -> launchWithIp(Worlds.SOURCE_IP)).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidIPAddress.InUse"));

        clock.advance(Duration.ofSeconds(5));
        assertThat(enisHolding(Worlds.SOURCE_IP)).isEmpty();
        launchWithIp(Worlds.SOURCE_IP);
        assertThat(ec2.describeInstances(r -> r.filters(f -> f.name("private-ip-address").values(Worlds.SOURCE_IP),
                f -> f.name("instance-state-name").values("pending"))).reservations()).hasSize(1);
    }

    @Test
    void privateIp_ofAStoppedInstance_isNeverReleased() {
        ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE));
        clock.advance(Duration.ofHours(1));
        assertThatThrownBy(() -> launchWithIp(Worlds.SOURCE_IP)).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidIPAddress.InUse"));
    }

    @Test
    void privateIp_outsideTheSubnet_failsWithInvalidParameterValue() {
        assertThatThrownBy(() -> launchWithIp("10.0.2.10")).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
        assertThatThrownBy(() -> launchWithIp("10.0.1.1")).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void terminate_disassociatesElasticIp_butKeepsTheAllocation() {
        Address before = ec2.describeAddresses(r -> r.allocationIds(Worlds.SOURCE_EIP)).addresses().get(0);
        assertThat(before.instanceId()).isEqualTo(Worlds.SOURCE);
        assertThat(before.privateIpAddress()).isEqualTo(Worlds.SOURCE_IP);

        ec2.terminateInstances(r -> r.instanceIds(Worlds.SOURCE));
        clock.advance(Duration.ofSeconds(60));

        Address after = ec2.describeAddresses(r -> r.allocationIds(Worlds.SOURCE_EIP)).addresses().get(0);
        assertThat(after.associationId()).isNull();
        assertThat(after.instanceId()).isNull();
        assertThat(after.publicIp()).isEqualTo("198.51.100.200");
    }

    @Test
    void elasticIp_allocateAssociateToEniAndPrivateIp_disassociate_release() {
        var alloc = ec2.allocateAddress(r -> r.domain("vpc"));
        assertThat(alloc.allocationId()).startsWith("eipalloc-");
        String eni = ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE)).reservations().get(0).instances().get(0)
                .networkInterfaces().stream().filter(n -> n.attachment().deviceIndex() == 0).findFirst().orElseThrow().networkInterfaceId();

        String assoc = ec2.associateAddress(r -> r.allocationId(alloc.allocationId()).networkInterfaceId(eni)
                .privateIpAddress(Worlds.SOURCE_SECONDARY_IP)).associationId();
        assertThat(assoc).startsWith("eipassoc-");
        // In a VPC, reassociation is automatic unless AllowReassociation=false.
        assertThatThrownBy(() -> ec2.associateAddress(r -> r.allocationId(alloc.allocationId()).instanceId(Worlds.MARKETPLACE_INSTANCE)
                .allowReassociation(false)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("Resource.AlreadyAssociated"));
        assertThatThrownBy(() -> ec2.releaseAddress(r -> r.allocationId(alloc.allocationId())))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidIPAddress.InUse"));

        NetworkInterface shown = ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni)).networkInterfaces().get(0);
        assertThat(shown.privateIpAddresses()).filteredOn(a -> a.privateIpAddress().equals(Worlds.SOURCE_SECONDARY_IP))
                .extracting(a -> a.association().publicIp()).containsExactly(alloc.publicIp());

        ec2.disassociateAddress(r -> r.associationId(assoc));
        ec2.releaseAddress(r -> r.allocationId(alloc.allocationId()));
        assertThatThrownBy(() -> ec2.describeAddresses(r -> r.allocationIds(alloc.allocationId())))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidAllocationID.NotFound"));
    }

    @Test
    void secondaryPrivateIps_assignAndUnassign_butNeverThePrimary() {
        String eni = ec2.describeNetworkInterfaces(r -> r.filters(f -> f.name("attachment.instance-id").values(Worlds.SOURCE),
                f -> f.name("attachment.device-index").values("0"))).networkInterfaces().get(0).networkInterfaceId();

        var assigned = ec2.assignPrivateIpAddresses(r -> r.networkInterfaceId(eni).privateIpAddresses("10.0.1.12").secondaryPrivateIpAddressCount(1));
        assertThat(assigned.assignedPrivateIpAddresses()).extracting(a -> a.privateIpAddress()).hasSize(2).contains("10.0.1.12");
        assertThat(ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni)).networkInterfaces().get(0).privateIpAddresses())
                .extracting(a -> a.privateIpAddress()).contains(Worlds.SOURCE_IP, Worlds.SOURCE_SECONDARY_IP, "10.0.1.12");

        ec2.unassignPrivateIpAddresses(r -> r.networkInterfaceId(eni).privateIpAddresses("10.0.1.12"));
        assertThat(ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni)).networkInterfaces().get(0).privateIpAddresses())
                .extracting(a -> a.privateIpAddress()).doesNotContain("10.0.1.12");
        assertThatThrownBy(() -> ec2.unassignPrivateIpAddresses(r -> r.networkInterfaceId(eni).privateIpAddresses(Worlds.SOURCE_IP)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
        // An address held elsewhere moves only with AllowReassignment.
        assertThatThrownBy(() -> ec2.assignPrivateIpAddresses(r -> r.networkInterfaceId(eni).privateIpAddresses(Worlds.SOURCE_ENI2_IP)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void secondaryEni_detachesAndReattachesWithItsAddresses_primaryEniCannotDetach() {
        NetworkInterface eni2 = ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(Worlds.SOURCE_ENI2)).networkInterfaces().get(0);
        assertThat(eni2.attachment().deviceIndex()).isEqualTo(1);
        ec2.detachNetworkInterface(r -> r.attachmentId(eni2.attachment().attachmentId()));
        NetworkInterface detached = ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(Worlds.SOURCE_ENI2)).networkInterfaces().get(0);
        assertThat(detached.statusAsString()).isEqualTo("available");
        assertThat(detached.privateIpAddress()).isEqualTo(Worlds.SOURCE_ENI2_IP);

        String att = ec2.attachNetworkInterface(r -> r.networkInterfaceId(Worlds.SOURCE_ENI2).instanceId(Worlds.MARKETPLACE_INSTANCE).deviceIndex(1)).attachmentId();
        assertThat(att).startsWith("eni-attach-");
        assertThat(ec2.describeInstances(r -> r.instanceIds(Worlds.MARKETPLACE_INSTANCE)).reservations().get(0).instances().get(0)
                .networkInterfaces()).extracting(NetworkInterface -> NetworkInterface.privateIpAddress()).contains(Worlds.SOURCE_ENI2_IP);

        String primaryAttachment = ec2.describeNetworkInterfaces(r -> r.filters(f -> f.name("attachment.instance-id").values(Worlds.SOURCE)))
                .networkInterfaces().get(0).attachment().attachmentId();
        assertThatThrownBy(() -> ec2.detachNetworkInterface(r -> r.attachmentId(primaryAttachment)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("OperationNotPermitted"));
    }

    @Test
    void networkInterfaceAttributes_modifyAndDescribe() {
        ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(Worlds.SOURCE_ENI2).sourceDestCheck(a -> a.value(false))
                .description(a -> a.value("replication")));
        assertThat(ec2.describeNetworkInterfaceAttribute(r -> r.networkInterfaceId(Worlds.SOURCE_ENI2)
                .attribute(NetworkInterfaceAttribute.SOURCE_DEST_CHECK)).sourceDestCheck().value()).isFalse();
        assertThat(ec2.describeNetworkInterfaceAttribute(r -> r.networkInterfaceId(Worlds.SOURCE_ENI2)
                .attribute(NetworkInterfaceAttribute.DESCRIPTION)).description().value()).isEqualTo("replication");

        NetworkInterface eni2 = ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(Worlds.SOURCE_ENI2)).networkInterfaces().get(0);
        ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(Worlds.SOURCE_ENI2)
                .attachment(a -> a.attachmentId(eni2.attachment().attachmentId()).deleteOnTermination(true)));
        assertThat(ec2.describeNetworkInterfaceAttribute(r -> r.networkInterfaceId(Worlds.SOURCE_ENI2)
                .attribute(NetworkInterfaceAttribute.ATTACHMENT)).attachment().deleteOnTermination()).isTrue();
    }

    @Test
    void runInstances_launchesWhatTheSubnetHasAddressesFor_andNothingBelowMinCount() {
        World tiny = World.builder().vpc("vpc-0d1e2f3a4b5c6d7e8", "10.9.0.0/16")
                .subnet(new SubnetSeed("subnet-0000000000000f0f0", "vpc-0d1e2f3a4b5c6d7e8", "us-east-1a", "10.9.0.0/28", false))
                .securityGroup("sg-0a1b2c3d4e5f60009", "default", "vpc-0d1e2f3a4b5c6d7e8")
                .image(ImageSeed.hvm("ami-0a1b2c3d4e5f60009", "al2023")).build();
        try (Ec2Emulator small = Ec2Emulator.builder().world(tiny).build().start(); Ec2Client c = AwsClients.ec2(small)) {
            // A /28 has 16 addresses, 5 reserved by the VPC: 11 usable.
            assertThatThrownBy(() -> c.runInstances(r -> r.imageId("ami-0a1b2c3d4e5f60009").instanceType("t3.micro").minCount(12).maxCount(20)))
                    .satisfies(e -> assertThat(code(e)).isEqualTo("InsufficientFreeAddressesInSubnet"));
            assertThat(c.runInstances(r -> r.imageId("ami-0a1b2c3d4e5f60009").instanceType("t3.micro").minCount(5).maxCount(20))
                    .instances()).hasSize(11);
        }
    }

    @Test
    void keepIpCutover_eniHoldsTheFreedIp_thenBecomesThePrimaryOfTheNewInstance_withTheSecondaryEniAttachedAtLaunch() {
        ec2.modifyInstanceAttribute(r -> r.instanceId(Worlds.SOURCE).blockDeviceMappings(
                b -> b.deviceName("/dev/sda1").ebs(e -> e.deleteOnTermination(false))));
        NetworkInterface eni2 = ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(Worlds.SOURCE_ENI2)).networkInterfaces().get(0);
        ec2.detachNetworkInterface(r -> r.attachmentId(eni2.attachment().attachmentId()));
        ec2.terminateInstances(r -> r.instanceIds(Worlds.SOURCE));
        assertThatThrownBy(() -> ec2.createNetworkInterface(r -> r.subnetId(World.SUBNET_A).privateIpAddress(Worlds.SOURCE_IP)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidIPAddress.InUse"));
        clock.advance(Duration.ofSeconds(65));

        String held = ec2.createNetworkInterface(r -> r.subnetId(World.SUBNET_A).description("kept for i-0123")
                .privateIpAddresses(a -> a.privateIpAddress(Worlds.SOURCE_IP).primary(true),
                        a -> a.privateIpAddress(Worlds.SOURCE_SECONDARY_IP).primary(false))).networkInterface().networkInterfaceId();
        var launched = ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1).maxCount(1)
                .networkInterfaces(n -> n.deviceIndex(0).networkInterfaceId(held),
                        n -> n.deviceIndex(1).networkInterfaceId(Worlds.SOURCE_ENI2))).instances().get(0);

        assertThat(launched.privateIpAddress()).isEqualTo(Worlds.SOURCE_IP);
        assertThat(launched.networkInterfaces()).extracting(NetworkInterface -> NetworkInterface.networkInterfaceId())
                .containsExactlyInAnyOrder(held, Worlds.SOURCE_ENI2);
        ec2.associateAddress(r -> r.allocationId(Worlds.SOURCE_EIP).networkInterfaceId(held).privateIpAddress(Worlds.SOURCE_IP));
        assertThat(ec2.describeAddresses(r -> r.allocationIds(Worlds.SOURCE_EIP)).addresses().get(0).instanceId())
                .isEqualTo(launched.instanceId());
        assertThatThrownBy(() -> ec2.deleteNetworkInterface(r -> r.networkInterfaceId(held)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidNetworkInterface.InUse"));
    }

    @Test
    void regionInventory_vpcsZonesAndKeyPairs() {
        assertThat(ec2.describeVpcs().vpcs()).extracting(v -> v.cidrBlock()).containsExactly("10.0.0.0/16");
        assertThat(ec2.describeAvailabilityZones().availabilityZones()).extracting(z -> z.zoneName()).containsExactly("us-east-1a", "us-east-1b");
        assertThat(ec2.describeKeyPairs(r -> r.keyNames("ops")).keyPairs()).extracting(k -> k.keyName()).containsExactly("ops");
        assertThatThrownBy(() -> ec2.describeKeyPairs(r -> r.keyNames("nope"))).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidKeyPair.NotFound"));
    }

    @Test
    void rebootInstances_needsARunningInstance() {
        ec2.rebootInstances(r -> r.instanceIds(Worlds.SOURCE));
        assertThat(state(Worlds.SOURCE)).isEqualTo("running");
        ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE));
        assertThatThrownBy(() -> ec2.rebootInstances(r -> r.instanceIds(Worlds.SOURCE)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("IncorrectInstanceState"));
    }

    @Test
    void describeSubnetsAndSecurityGroups() {
        var subnets = ec2.describeSubnets(r -> r.filters(f -> f.name("availability-zone").values("us-east-1a"))).subnets();
        assertThat(subnets).hasSize(1);
        assertThat(subnets.get(0).cidrBlock()).isEqualTo("10.0.1.0/24");
        assertThat(subnets.get(0).availableIpAddressCount()).isEqualTo(251 - 4);
        var groups = ec2.describeSecurityGroups(r -> r.groupIds(World.DEFAULT_SECURITY_GROUP)).securityGroups();
        assertThat(groups.get(0).groupName()).isEqualTo("default");
        assertThat(groups.get(0).vpcId()).isEqualTo(World.DEFAULT_VPC);
    }
}
