package io.pv2hvm.aws.internal.steps.preflight;

import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.MigrationOptions;

import java.util.List;

/**
 * What outside the instance names it by id and does not follow it to the new instance: an Auto
 * Scaling group, a CloudFormation stack, load balancer target groups and CloudWatch alarms.
 * Only the instance's own tags are read; target groups and alarms would need the ELBv2 and
 * CloudWatch APIs (and their permissions) for every migration, so they are named in a warning
 * with what to do instead of being looked up.
 */
final class OutsideReferences {
    static final String ASG_TAG = "aws:autoscaling:groupName";
    static final String STACK_TAG = "aws:cloudformation:stack-name";

    private final MigrationOptions spec;
    private final SourceInstance src;

    OutsideReferences(MigrationOptions spec, SourceInstance src) {
        this.spec = spec;
        this.src = src;
    }

    void check(List<Blocker> blockers, List<String> warnings) {
        String id = src.instanceId();
        String group = src.tags().get(ASG_TAG);
        if (group != null) {
            blockers.add(new Blocker("AUTO_SCALING_GROUP", id + " belongs to Auto Scaling group " + group + ": when"
                    + " the migration stops or terminates it, the group replaces it with a new instance from its"
                    + " launch template, and the HVM instance is not the group's.", "Detach it first (aws autoscaling"
                    + " detach-instances --instance-ids " + id + " --auto-scaling-group-name " + group
                    + " --should-decrement-desired-capacity), migrate, then attach the new instance"
                    + " (aws autoscaling attach-instances); or suspend the group's HealthCheck, ReplaceUnhealthy"
                    + " and Launch processes (aws autoscaling suspend-processes) for the migration. Better still,"
                    + " give the group an HVM launch template and let it replace the instance."));
        }
        String stack = src.tags().get(STACK_TAG);
        if (stack != null) {
            String drift = id + " was created by CloudFormation stack " + stack + ": the stack keeps naming " + id
                    + " after the migration (drift), and its next update that touches the instance may replace or"
                    + " recreate it from the template's PV image.";
            if (spec.acceptingStackDrift()) {
                warnings.add(drift + " Accepted with acceptingStackDrift(): update the template (HVM image, new"
                        + " type) or import the new instance into the stack afterwards.");
            } else {
                blockers.add(new Blocker("CLOUDFORMATION_STACK", drift, "Change the stack's template to an HVM image"
                        + " and type and let CloudFormation replace the instance; or rerun with"
                        + " acceptingStackDrift() and bring the stack in line afterwards (remove the instance from"
                        + " the template with DeletionPolicy Retain, then import the new one)."));
            }
        }
        warnings.add("Not checked: load balancer target groups that register " + id + " by instance id and"
                + " CloudWatch alarms whose InstanceId dimension is " + id + " keep naming the old id. Register the"
                + " new instance and update the alarms afterwards (MigrationResult.idMap() maps old ids to new)"
                + (spec.preservingIps() ? "; IP-type targets keep working because the private IPs are kept." : "."));
    }
}
