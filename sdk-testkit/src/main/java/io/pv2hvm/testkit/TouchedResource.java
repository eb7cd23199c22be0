package io.pv2hvm.testkit;

import java.util.Map;

/**
 * One resource a call acted on, as IAM authorizes it: its ARN and, for a resource that already
 * existed, its tags at the time of the call. A resource the call creates has no id yet, so IAM
 * sees {@code .../instance/*} and evaluates the tags of the request instead
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-resources.html).
 *
 * @param arn     the resource ARN ({@code arn:aws:ec2:us-east-1:123456789012:volume/vol-...})
 * @param tags    the resource's tags when the call arrived (empty for a created resource)
 * @param created true when the call creates this resource
 */
public record TouchedResource(String arn, Map<String, String> tags, boolean created) {

    /** Copies the tags. */
    public TouchedResource {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** The IAM service prefix of the ARN ({@code ec2}, {@code ssm}, {@code iam}, {@code kms}). */
    public String service() {
        return arn.split(":", 4)[2];
    }

    /** The resource type of the ARN ({@code instance}, {@code document}, {@code role}, ...). */
    public String type() {
        String resource = arn.split(":", 6)[5];
        int slash = resource.indexOf('/');
        return slash < 0 ? resource : resource.substring(0, slash);
    }
}
