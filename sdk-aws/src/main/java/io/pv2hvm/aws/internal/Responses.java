package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.IncompleteResponseException;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.util.List;

/**
 * Reads the fields of EC2 answers that its API reference marks optional but pv2hvm cannot go on
 * without: absent, they are an {@link IncompleteResponseException} naming the field, never a
 * NullPointerException.
 */
public final class Responses {
    private Responses() {
    }

    /** {@code value}, or the typed error when {@code action}'s answer about {@code subject} lacks {@code field}. */
    public static <T> T require(T value, AwsAction action, String field, String subject) {
        if (value == null || value instanceof String s && s.isEmpty()) {
            throw new IncompleteResponseException(action.awsName(), field, subject);
        }
        return value;
    }

    /** The state name of an instance DescribeInstances returned. */
    public static String stateName(Instance i) {
        return require(require(i.state(), Ec2Action.DESCRIBE_INSTANCES, "Reservations.Instances.State", i.instanceId())
                .nameAsString(), Ec2Action.DESCRIBE_INSTANCES, "Reservations.Instances.State.Name", i.instanceId());
    }

    /** The availability zone of an instance DescribeInstances returned. */
    public static String availabilityZone(Instance i) {
        return require(require(i.placement(), Ec2Action.DESCRIBE_INSTANCES, "Reservations.Instances.Placement", i.instanceId())
                .availabilityZone(), Ec2Action.DESCRIBE_INSTANCES, "Reservations.Instances.Placement.AvailabilityZone",
                i.instanceId());
    }

    /** The one instance RunInstances (or a describe) answered with. */
    public static Instance first(List<Instance> instances, AwsAction action, String subject) {
        if (instances.isEmpty()) {
            throw new IncompleteResponseException(action.awsName(), "Instances", subject);
        }
        return instances.get(0);
    }
}
