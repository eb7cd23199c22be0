package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.ThrottlingCategory;

/**
 * An AWS API action pv2hvm calls, named by a constant ({@link Ec2Action}, {@link SsmAction}) so a
 * call site cannot mistype it. {@link AwsCalls} counts and rate-limits calls by {@link #awsName()}.
 */
public sealed interface AwsAction permits Ec2Action, SsmAction {
    /** The action as AWS names it, e.g. {@code RunInstances} or {@code SendCommand}. */
    String awsName();

    /** The action as an IAM policy grants it, e.g. {@code ec2:RunInstances} or {@code ssm:SendCommand}. */
    default String iamAction() {
        return (this instanceof SsmAction ? "ssm" : "ec2") + ":" + awsName();
    }

    /** The throttling category of the action, called with ids, filters or pagination. */
    default ThrottlingCategory category() {
        return ThrottlingCategory.of(awsName());
    }
}
