package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.Ec2Action;
import java.util.List;
import java.util.Map;

/**
 * What a {@link LatencyProbe} would do, found without changing anything (read-only calls and EC2
 * DryRun checks): what it would create and delete, whether these credentials may, and what it
 * would cost at most. Print {@link #toText()} before asking to go ahead.
 *
 * <p>A final class rather than a record, so that it can grow without breaking callers.
 */
public final class LatencyProbePlan {
    private final String region;
    private final String runId;
    private final String subnetId;
    private final String availabilityZone;
    private final String imageId;
    private final int rootGiB;
    private final String instanceType;
    private final int repetitions;
    private final String instanceProfile;
    private final List<String> creates;
    private final Map<String, String> permissions;
    private final List<String> refusals;
    private final String cost;

    LatencyProbePlan(LatencyProbe.Settings s, String availabilityZone, String imageId, int rootGiB, List<String> creates,
                     Map<String, String> permissions, List<String> refusals, String cost) {
        this.region = s.region();
        this.runId = s.runId();
        this.subnetId = s.subnetId();
        this.availabilityZone = availabilityZone;
        this.imageId = imageId;
        this.rootGiB = rootGiB;
        this.instanceType = s.instanceType();
        this.repetitions = s.repetitions();
        this.instanceProfile = s.instanceProfile();
        this.creates = List.copyOf(creates);
        this.permissions = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(permissions));
        this.refusals = List.copyOf(refusals);
        this.cost = cost;
    }

    /** The region of the EC2 client. */
    public String region() {
        return region;
    }

    /** The run id every resource would be tagged with ({@link LatencyProbe#RUN_TAG}). */
    public String runId() {
        return runId;
    }

    /** The subnet's Availability Zone, where the instances and the volume would be. */
    public String availabilityZone() {
        return availabilityZone;
    }

    /** The image the instances would launch from. */
    public String imageId() {
        return imageId;
    }

    /** The size of that image's root volume, in GiB. */
    public int rootGiB() {
        return rootGiB;
    }

    /** What each repetition creates and deletes, one line each. */
    public List<String> creates() {
        return creates;
    }

    /** Each checked action and the outcome of its DryRun check ("allowed", or why not), or "checked at first use". */
    public Map<String, String> permissions() {
        return permissions;
    }

    /** The actions these credentials may not call; {@link LatencyProbe#run()} refuses to start unless this is empty. */
    public List<String> refusals() {
        return refusals;
    }

    /** The cost estimate, with the prices it assumes. */
    public String cost() {
        return cost;
    }

    /** The dry-run listing for people. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("Dry run: nothing was created. In ").append(region).append(", run ").append(runId).append(", ")
                .append(repetitions).append(" repetition(s), subnet ").append(subnetId).append(" (")
                .append(availabilityZone).append("), image ").append(imageId).append(", ").append(instanceType)
                .append(":\n");
        creates.forEach(c -> sb.append("  - ").append(c).append('\n'));
        sb.append("Every resource is tagged ").append(Tags.ROLE).append('=').append(LatencyProbe.ROLE).append(" and ")
                .append(LatencyProbe.RUN_TAG).append('=').append(runId).append("; only resources with both tags are")
                .append(" ever deleted (after a failure or Ctrl-C too; `--cleanup-only` sweeps leftovers of every run).\n");
        if (instanceProfile == null) {
            sb.append("SSM is not measured: no instance profile was given (--instance-profile, a role with"
                    + " AmazonSSMManagedInstanceCore).\n");
        }
        sb.append("Permissions (EC2 DryRun):\n");
        permissions.forEach((a, p) -> sb.append("  ").append(a).append(": ").append(p).append('\n'));
        sb.append(cost).append('\n');
        if (!refusals.isEmpty()) {
            sb.append("These credentials may not call ").append(String.join(", ", refusals))
                    .append(": grant them (`pv2hvm iam-policy` prints pv2hvm's policy, which covers the probe's EC2 calls but")
                    .append(" ").append(Ec2Action.DESCRIBE_SUBNETS.iamAction()).append(") and try again.\n");
        }
        return sb.toString();
    }
}
