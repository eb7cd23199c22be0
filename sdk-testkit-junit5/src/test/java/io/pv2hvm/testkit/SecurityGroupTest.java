package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pv2hvm.testkit.world.World;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** Security groups as EC2 keeps them: create, inbound rules, outbound rules, delete only when unused. */
class SecurityGroupTest extends MigrationWorldTest {

    private static final IpPermission ALL_OUT = IpPermission.builder().ipProtocol("-1")
            .ipRanges(r -> r.cidrIp("0.0.0.0/0")).build();

    private String create(String name) {
        return ec2.createSecurityGroup(r -> r.groupName(name).description("quarantine").vpcId(World.DEFAULT_VPC)
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
                        .tags(t -> t.key("role").value("trial")).build())).groupId();
    }

    private SecurityGroup describe(String id) {
        return ec2.describeSecurityGroups(r -> r.groupIds(id)).securityGroups().get(0);
    }

    @Test
    void createSecurityGroup_startsWithTheAllowAllEgressRuleAndItsTags() {
        String id = create("trial-1");

        SecurityGroup g = describe(id);
        assertThat(g.groupName()).isEqualTo("trial-1");
        assertThat(g.vpcId()).isEqualTo(World.DEFAULT_VPC);
        assertThat(g.ipPermissions()).isEmpty();
        assertThat(g.ipPermissionsEgress()).singleElement().satisfies(p -> {
            assertThat(p.ipProtocol()).isEqualTo("-1");
            assertThat(p.ipRanges()).extracting(r -> r.cidrIp()).containsExactly("0.0.0.0/0");
        });
        assertThat(g.tags()).anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("role=trial"));
    }

    @Test
    void createSecurityGroup_sameNameInTheVpc_isInvalidGroupDuplicate_andCreatesNothing() {
        create("Trial-2");
        int before = ec2.describeSecurityGroups().securityGroups().size();

        Ec2Exception e = catchThrowableOfType(Ec2Exception.class, () -> create("trial-2"));

        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidGroup.Duplicate");
        assertThat(ec2.describeSecurityGroups().securityGroups()).hasSize(before);
    }

    @Test
    void createSecurityGroup_nameStartingWithSgDash_isRefused() {
        Ec2Exception e = catchThrowableOfType(Ec2Exception.class, () -> create("sg-trial"));

        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
    }

    @Test
    void authorizeIngressFromAnAddress_andRevokeTheDefaultEgress_leaveOnlyThatIngress() {
        String id = create("trial-3");
        IpPermission fromWorker = IpPermission.builder().ipProtocol("-1").ipRanges(r -> r.cidrIp("10.0.1.99/32")).build();

        ec2.authorizeSecurityGroupIngress(r -> r.groupId(id).ipPermissions(fromWorker));
        ec2.revokeSecurityGroupEgress(r -> r.groupId(id).ipPermissions(ALL_OUT));

        SecurityGroup g = describe(id);
        assertThat(g.ipPermissionsEgress()).isEmpty();
        assertThat(g.ipPermissions()).singleElement().satisfies(p ->
                assertThat(p.ipRanges()).extracting(r -> r.cidrIp()).containsExactly("10.0.1.99/32"));
    }

    @Test
    void authorizeIngress_twice_isInvalidPermissionDuplicate() {
        String id = create("trial-4");
        IpPermission fromGroup = IpPermission.builder().ipProtocol("tcp").fromPort(80).toPort(80)
                .userIdGroupPairs(u -> u.groupId(World.DEFAULT_SECURITY_GROUP)).build();
        ec2.authorizeSecurityGroupIngress(r -> r.groupId(id).ipPermissions(fromGroup));

        Ec2Exception e = catchThrowableOfType(Ec2Exception.class,
                () -> ec2.authorizeSecurityGroupIngress(r -> r.groupId(id).ipPermissions(fromGroup)));

        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidPermission.Duplicate");
        assertThat(describe(id).ipPermissions()).singleElement().satisfies(p ->
                assertThat(p.userIdGroupPairs()).extracting(u -> u.groupId()).containsExactly(World.DEFAULT_SECURITY_GROUP));
    }

    @Test
    void authorizeIngress_malformedCidr_isRefusedAndAddsNothing() {
        String id = create("trial-5");

        Ec2Exception e = catchThrowableOfType(Ec2Exception.class, () -> ec2.authorizeSecurityGroupIngress(r -> r
                .groupId(id).ipPermissions(IpPermission.builder().ipProtocol("-1").ipRanges(c -> c.cidrIp("10.0.1.300/32")).build())));

        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
        assertThat(describe(id).ipPermissions()).isEmpty();
    }

    @Test
    void revokeEgress_ruleThatDoesNotExist_isInvalidPermissionNotFound_andRevokesNothing() {
        String id = create("trial-6");
        IpPermission other = IpPermission.builder().ipProtocol("tcp").fromPort(25).toPort(25)
                .ipRanges(r -> r.cidrIp("0.0.0.0/0")).build();

        Ec2Exception e = catchThrowableOfType(Ec2Exception.class,
                () -> ec2.revokeSecurityGroupEgress(r -> r.groupId(id).ipPermissions(ALL_OUT, other)));

        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidPermission.NotFound");
        assertThat(describe(id).ipPermissionsEgress()).hasSize(1);
    }

    @Test
    void deleteSecurityGroup_whileAnInstanceUsesIt_isDependencyViolation_thenSucceedsOnceTheInterfaceIsGone() {
        String id = create("trial-7");
        String instance = ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("m5.large")
                .minCount(1).maxCount(1).subnetId(World.SUBNET_A).securityGroupIds(id)).instances().get(0).instanceId();

        Ec2Exception inUse = catchThrowableOfType(Ec2Exception.class, () -> ec2.deleteSecurityGroup(r -> r.groupId(id)));
        assertThat(inUse.awsErrorDetails().errorCode()).isEqualTo("DependencyViolation");
        assertThat(describe(id).groupId()).isEqualTo(id);

        ec2.terminateInstances(r -> r.instanceIds(instance));
        waiter.waitUntilInstanceTerminated(r -> r.instanceIds(instance));
        Polling.until(() -> ec2.describeNetworkInterfaces(r -> r.filters(f -> f.name("group-id").values(id)))
                .networkInterfaces().isEmpty());
        ec2.deleteSecurityGroup(r -> r.groupId(id));

        Ec2Exception gone = catchThrowableOfType(Ec2Exception.class, () -> describe(id));
        assertThat(gone.awsErrorDetails().errorCode()).isEqualTo("InvalidGroup.NotFound");
    }

    @Test
    void deleteSecurityGroup_referencedByAnotherGroupsRule_isDependencyViolation() {
        String referenced = create("trial-8");
        String other = create("trial-9");
        ec2.authorizeSecurityGroupIngress(r -> r.groupId(other).ipPermissions(IpPermission.builder().ipProtocol("-1")
                .userIdGroupPairs(u -> u.groupId(referenced)).build()));

        Ec2Exception e = catchThrowableOfType(Ec2Exception.class, () -> ec2.deleteSecurityGroup(r -> r.groupId(referenced)));

        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("DependencyViolation");
        assertThat(ec2.describeSecurityGroups(r -> r.groupIds(referenced, other)).securityGroups()).hasSize(2);
    }

    @Test
    void deleteSecurityGroup_theVpcsDefaultGroup_isCannotDelete() {
        Ec2Exception e = catchThrowableOfType(Ec2Exception.class,
                () -> ec2.deleteSecurityGroup(r -> r.groupId(World.DEFAULT_SECURITY_GROUP)));

        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("CannotDelete");
        assertThat(List.of(describe(World.DEFAULT_SECURITY_GROUP).groupId())).containsExactly(World.DEFAULT_SECURITY_GROUP);
    }
}
