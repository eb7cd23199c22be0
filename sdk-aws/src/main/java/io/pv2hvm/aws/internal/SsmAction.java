package io.pv2hvm.aws.internal;

import java.util.Arrays;
import java.util.Optional;

/**
 * The SSM API actions pv2hvm calls, one constant each, as {@link Ec2Action} for EC2.
 * {@link #awsName()} is the name AWS gives the action (what {@link AwsCalls} counts, IAM grants
 * and throttling categorizes: every SSM action is {@link io.pv2hvm.aws.ThrottlingCategory#SSM}).
 */
public enum SsmAction implements AwsAction {
    CANCEL_COMMAND("CancelCommand"),
    DESCRIBE_INSTANCE_INFORMATION("DescribeInstanceInformation"),
    GET_COMMAND_INVOCATION("GetCommandInvocation"),
    GET_PARAMETER("GetParameter"),
    GET_PARAMETERS("GetParameters"),
    GET_SERVICE_SETTING("GetServiceSetting"),
    LIST_COMMAND_INVOCATIONS("ListCommandInvocations"),
    LIST_COMMANDS("ListCommands"),
    SEND_COMMAND("SendCommand");

    private final String awsName;

    SsmAction(String awsName) {
        this.awsName = awsName;
    }

    @Override
    public String awsName() {
        return awsName;
    }

    /** The SSM action AWS names {@code awsName}, if pv2hvm calls one by that name. */
    public static Optional<SsmAction> named(String awsName) {
        return Arrays.stream(values()).filter(a -> a.awsName.equals(awsName)).findFirst();
    }
}
