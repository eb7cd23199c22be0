package io.pv2hvm.aws.internal.steps.cutover;

import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.List;

/**
 * For a guest whose init mounts /etc/fstab once, at boot (sysvinit, RHEL-style upstart): stops the
 * new instance before its data volumes are attached and starts it again after, so its next boot
 * finds every volume before its {@code mount -a}. EC2 attaches existing volumes only to a running or
 * stopped instance, so the first boot cannot have them. Stop, attach, start was chosen over a
 * reboot once attached: a reboot leaves the first boot's console in place, so nothing tells the
 * second boot's end apart, while a start gives the boot wait a clean state to watch; and services
 * of the first boot run only until the stop, not while the volumes attach, and in the trial's
 * quarantine group (see {@link LaunchHvmInstanceStep}), so they neither serve nor reach anything
 * without their volumes. Both steps sit in the downtime window and do nothing for other guests or
 * an instance without data volumes.
 */
public final class HoldForDataVolumesStep implements Step {
    private final AwsRuntime aws;
    private final boolean release;

    /** {@code release} false: the stop before the attach; true: the start after it. */
    private HoldForDataVolumesStep(AwsRuntime aws, boolean release) {
        this.aws = aws;
        this.release = release;
    }

    /** The step that stops the new instance before the data volumes are attached. */
    public static HoldForDataVolumesStep stop(AwsRuntime aws) {
        return new HoldForDataVolumesStep(aws, false);
    }

    /** The step that starts the new instance again once the data volumes are attached. */
    public static HoldForDataVolumesStep release(AwsRuntime aws) {
        return new HoldForDataVolumesStep(aws, true);
    }

    @Override
    public String name() {
        return release ? "start-new-instance-with-data-volumes" : "stop-new-instance-for-data-volumes";
    }

    @Override
    public StepDescription describe() {
        return release
                ? new StepDescription("Guests that mount fstab once at boot (sysvinit): start the new instance with its"
                        + " data volumes attached", List.of(), List.of("new instance: started"))
                : new StepDescription("Guests that mount fstab once at boot (sysvinit): stop the new instance so its data"
                        + " volumes are attached before it boots again", List.of(), List.of("new instance: stopped"));
    }

    @Override
    public void run(StepContext ctx) {
        if (!needed(ctx)) {
            return;
        }
        String id = ctx.find(AwsFacts.NEW_INSTANCE).orElseThrow();
        if (release) {
            InstanceStateName state = aws.ec2().instanceStateName(ctx, id);
            if (state != InstanceStateName.RUNNING && state != InstanceStateName.PENDING) {
                aws.ec2().waitInstance(ctx, id, InstanceStateName.STOPPED);
                aws.ec2().startInstances(r -> r.instanceIds(id));
            }
            // Until a describe has met the start, one may still show the "stopped" from before it, and a
            // rollback reading that would pull the data volumes from a guest that is booting with them.
            aws.ec2().waitInstance(ctx, id, InstanceStateName.RUNNING);
            return;
        }
        InstanceStateName state = aws.ec2().instanceStateName(ctx, id);
        if (state != InstanceStateName.STOPPED && state != InstanceStateName.STOPPING) {
            aws.ec2().waitInstance(ctx, id, InstanceStateName.RUNNING); // a pending instance cannot be stopped
            aws.ec2().stopInstances(r -> r.instanceIds(id));
        }
        aws.ec2().waitInstance(ctx, id, InstanceStateName.STOPPED);
    }

    private boolean needed(StepContext ctx) {
        return needed(aws, ctx);
    }

    /** Whether the new instance is held: a guest that mounts fstab once, and data volumes to attach. */
    static boolean needed(AwsRuntime aws, StepContext ctx) {
        return ctx.find(AwsFacts.GUEST_MOUNTS_ONCE).orElse(false)
                && !aws.source(ctx).dataVolumes().isEmpty();
    }

    @Override
    public void compensate(StepContext ctx) {
        // Nothing of its own: the launch step's compensation terminates the new instance.
    }
}
