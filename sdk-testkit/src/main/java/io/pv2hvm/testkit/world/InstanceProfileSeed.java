package io.pv2hvm.testkit.world;

/**
 * An IAM instance profile instances may carry.
 *
 * @param name profile name
 * @param arn  its ARN; derived from the name when null
 */
public record InstanceProfileSeed(String name, String arn) {

    /** The ARN, derived from the name when none was given. */
    public String arnOrDefault() {
        return arn != null ? arn : "arn:aws:iam::123456789012:instance-profile/" + name;
    }
}
