package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.AwsSteps;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Where and how pv2hvm launches its worker: instance profile, subnet, security groups, type. */
final class WorkerOptions {
    @Option(names = "--worker-profile", paramLabel = "NAME|ARN", description = "Instance profile of the worker pv2hvm"
            + " launches. Over SSM (the default) its role needs AmazonSSMManagedInstanceCore, unless Default Host"
            + " Management Configuration is on; preflight refuses otherwise.")
    String profile;

    @Option(names = "--worker-subnet", paramLabel = "SUBNET-ID", description = "Launch the worker in this subnet (in"
            + " the source's availability zone) instead of the source's. It needs a route to the SSM endpoints, and"
            + " to a package mirror unless a worker image exists (pv2hvm worker-image).")
    String subnet;

    @Option(names = "--worker-security-group", paramLabel = "SG-ID", split = ",", description = "Security group(s)"
            + " of the launched worker (repeat or comma-separate). Over SSM it needs outbound HTTPS only.")
    List<String> securityGroups = new ArrayList<>();

    @Option(names = "--worker-type", paramLabel = "TYPE", description = "Instance type of the launched worker"
            + " (default t3.small).")
    String type;

    /** Applies the options given to {@code b}; a malformed value is a {@link UsageException}. */
    AwsSteps.Builder applyTo(AwsSteps.Builder b) {
        if (profile != null) {
            if (profile.isBlank()) {
                throw new UsageException("--worker-profile needs an instance profile name or ARN.");
            }
            b.workerInstanceProfile(profile);
        }
        if (subnet != null) {
            if (!subnet.matches("subnet-[0-9a-f]{8,17}")) {
                throw new UsageException("--worker-subnet '" + subnet + "' is not a subnet id (subnet- and 8 or 17"
                        + " hex digits).");
            }
            b.workerSubnet(subnet);
        }
        if (!securityGroups.isEmpty()) {
            for (String g : securityGroups) {
                if (!g.matches("sg-[0-9a-f]{8,17}")) {
                    throw new UsageException("--worker-security-group '" + g + "' is not a security group id (sg-"
                            + " and 8 or 17 hex digits).");
                }
            }
            b.workerSecurityGroups(securityGroups.toArray(String[]::new));
        }
        if (type != null) {
            if (!type.matches("[a-z][a-z0-9-]*\\.[a-z0-9]+")) {
                throw new UsageException("--worker-type '" + type + "' is not an instance type (e.g. t3.small).");
            }
            b.workerInstanceType(type);
        }
        return b;
    }
}
