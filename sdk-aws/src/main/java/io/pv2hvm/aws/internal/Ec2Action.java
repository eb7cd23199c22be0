package io.pv2hvm.aws.internal;

/**
 * The EC2 API actions pv2hvm calls, one constant each, so a call site names its action by a
 * constant the compiler checks instead of a string typed by hand. {@link #awsName()} is the name
 * AWS gives the action (what {@link AwsCalls} counts, IAM grants and throttling categorizes).
 */
public enum Ec2Action implements AwsAction {
    ASSOCIATE_ADDRESS("AssociateAddress"),
    ATTACH_NETWORK_INTERFACE("AttachNetworkInterface"),
    ATTACH_VOLUME("AttachVolume"),
    AUTHORIZE_SECURITY_GROUP_INGRESS("AuthorizeSecurityGroupIngress"),
    CREATE_IMAGE("CreateImage"),
    CREATE_SECURITY_GROUP("CreateSecurityGroup"),
    CREATE_SNAPSHOT("CreateSnapshot"),
    CREATE_TAGS("CreateTags"),
    CREATE_VOLUME("CreateVolume"),
    DELETE_SECURITY_GROUP("DeleteSecurityGroup"),
    DELETE_SNAPSHOT("DeleteSnapshot"),
    DELETE_VOLUME("DeleteVolume"),
    DEREGISTER_IMAGE("DeregisterImage"),
    DESCRIBE_ADDRESSES("DescribeAddresses"),
    DESCRIBE_IMAGES("DescribeImages"),
    DESCRIBE_INSTANCE_ATTRIBUTE("DescribeInstanceAttribute"),
    DESCRIBE_INSTANCE_STATUS("DescribeInstanceStatus"),
    DESCRIBE_INSTANCE_TYPES("DescribeInstanceTypes"),
    DESCRIBE_INSTANCES("DescribeInstances"),
    DESCRIBE_NETWORK_INTERFACES("DescribeNetworkInterfaces"),
    DESCRIBE_SECURITY_GROUPS("DescribeSecurityGroups"),
    DESCRIBE_SNAPSHOTS("DescribeSnapshots"),
    DESCRIBE_SUBNETS("DescribeSubnets"),
    DESCRIBE_VOLUME_ATTRIBUTE("DescribeVolumeAttribute"),
    DESCRIBE_VOLUMES("DescribeVolumes"),
    DETACH_NETWORK_INTERFACE("DetachNetworkInterface"),
    DETACH_VOLUME("DetachVolume"),
    GET_CONSOLE_OUTPUT("GetConsoleOutput"),
    MODIFY_INSTANCE_ATTRIBUTE("ModifyInstanceAttribute"),
    MODIFY_NETWORK_INTERFACE_ATTRIBUTE("ModifyNetworkInterfaceAttribute"),
    REGISTER_IMAGE("RegisterImage"),
    REVOKE_SECURITY_GROUP_EGRESS("RevokeSecurityGroupEgress"),
    RUN_INSTANCES("RunInstances"),
    START_INSTANCES("StartInstances"),
    STOP_INSTANCES("StopInstances"),
    TERMINATE_INSTANCES("TerminateInstances");

    private final String awsName;

    Ec2Action(String awsName) {
        this.awsName = awsName;
    }

    @Override
    public String awsName() {
        return awsName;
    }
}
