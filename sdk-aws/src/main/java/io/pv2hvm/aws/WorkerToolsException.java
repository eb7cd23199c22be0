package io.pv2hvm.aws;

import io.pv2hvm.core.MigrationException;

/**
 * The worker could not install its conversion tools (extlinux, grub-pc-bin, parted, xfsprogs,
 * e2fsprogs, fdisk). The usual cause is a worker in a private subnet with no route to a package
 * mirror; {@link #noMirror()} tells that case apart, and the message names the fixes.
 */
public final class WorkerToolsException extends MigrationException {
    private final String workerId;
    private final boolean noMirror;

    /**
     * The worker reached no package mirror: the message names the network fixes and the worker image.
     *
     * @param workerId the worker instance
     * @param detail   what the install script reported
     */
    public static WorkerToolsException noMirror(String workerId, String detail) {
        return new WorkerToolsException(workerId, true, detail);
    }

    /**
     * The install itself failed on a reachable mirror (a package missing, a broken image).
     *
     * @param workerId the worker instance
     * @param detail   what the install script reported
     */
    public static WorkerToolsException installFailed(String workerId, String detail) {
        return new WorkerToolsException(workerId, false, detail);
    }

    /** For the factories: a bare boolean would say nothing at a caller's site. */
    private WorkerToolsException(String workerId, boolean noMirror, String detail) {
        super(noMirror
                ? "Worker " + workerId + " cannot reach a package mirror to install the conversion tools (" + detail.strip()
                        + "). Fixes: give its subnet a route to the internet (a NAT gateway) or to your own apt mirror;"
                        + " or build a worker image with the tools once, where the network allows it (`pv2hvm"
                        + " worker-image`, or AwsSteps.prepareWorkerImage()); pv2hvm then launches workers from it, and"
                        + " those need only the SSM endpoints (VPC interface endpoints for ssm, ssmmessages and ec2messages)."
                : "Worker " + workerId + " could not install the conversion tools: " + detail.strip() + ". Use the"
                        + " default Ubuntu 24.04 worker image, or a worker image built with `pv2hvm worker-image`.",
                null, false);
        this.workerId = workerId;
        this.noMirror = noMirror;
    }

    /** The worker instance. */
    public String workerId() {
        return workerId;
    }

    /** Whether the cause was that no package mirror could be reached. */
    public boolean noMirror() {
        return noMirror;
    }
}
