package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.SourceInstance;

/**
 * RunInstances cannot turn the source/destination check off, so a relaunched primary interface
 * gets the source's setting afterwards (secondary interfaces move with theirs). A NAT or router
 * instance stops forwarding without it
 * (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html#EIP_Disable_SrcDestCheck).
 */
final class SourceDestCheck {
    private SourceDestCheck() {
    }

    /** Turns the check off on {@code instanceId} when it was off on the source's primary interface. */
    static void carryOver(AwsRuntime aws, SourceInstance src, String instanceId) {
        boolean off = src.primaryInterface().map(n -> !n.sourceDestCheck()).orElse(false);
        if (off) {
            aws.ec2().modifyInstanceAttribute(r -> r
                    .instanceId(instanceId).sourceDestCheck(b -> b.value(false)));
        }
    }
}
