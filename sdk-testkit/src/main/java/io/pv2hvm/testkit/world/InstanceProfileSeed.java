package io.pv2hvm.testkit.world;

import java.util.List;

/**
 * An IAM instance profile instances may carry, with the AWS managed policies attached to its
 * role. The SSM agent of an instance registers with Systems Manager only when the role allows it
 * ({@link #allowsSsm()}) or the account's Default Host Management Configuration is on
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html).
 *
 * @param name     profile name
 * @param arn      its ARN; derived from the name when null
 * @param policies names of the AWS managed policies attached to its role (none when null)
 */
public record InstanceProfileSeed(String name, String arn, List<String> policies) {
    /** The AWS managed policy that lets the SSM agent register and run commands. */
    public static final String SSM_MANAGED_INSTANCE_CORE = "AmazonSSMManagedInstanceCore";

    /** Normalizes a missing policy list to empty. */
    public InstanceProfileSeed {
        policies = policies == null ? List.of() : List.copyOf(policies);
    }

    /** A profile whose role has no policies. */
    public InstanceProfileSeed(String name, String arn) {
        this(name, arn, List.of());
    }

    /** The ARN, derived from the name when none was given. */
    public String arnOrDefault() {
        return arn != null ? arn : "arn:aws:iam::123456789012:instance-profile/" + name;
    }

    /**
     * Whether the role carries a managed policy with the SSM agent's core permissions:
     * AmazonSSMManagedInstanceCore, AmazonSSMManagedEC2InstanceDefaultPolicy, or the deprecated
     * AmazonEC2RoleforSSM (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html).
     */
    public boolean allowsSsm() {
        return policies.stream().anyMatch(p -> p.equals(SSM_MANAGED_INSTANCE_CORE)
                || p.equals("AmazonSSMManagedEC2InstanceDefaultPolicy") || p.equals("AmazonEC2RoleforSSM"));
    }
}
