package io.pv2hvm.samples.bench;

import io.pv2hvm.samples.bench.Ec2Script.Timed;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ArchitectureValues;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.time.Duration;
import java.util.List;

/**
 * The physical floor F of any image-based cutover (issue #16), scripted on the same emulator,
 * latency model and poll interval as pv2hvm: after a trial snapshot (outside the window) and the
 * workload's writes, the window holds only stop the source, snapshot its root (incremental: what
 * changed since the trial snapshot), register that snapshot as an image, launch it with the
 * source's private IP and Elastic IP, and wait until EC2's reachability check passes (the signal
 * pv2hvm's window ends on when no health command is given). It converts nothing: it pretends the
 * snapshot boots as HVM unchanged.
 *
 * <p>Terminating the source and the release of its private IP overlap with that chain and count
 * only where they cannot: the floor gives up every guarantee, so it terminates the source as soon
 * as its snapshot has started (EBS snapshots are point in time, and deleting a volume has no
 * effect on the snapshots made from it:
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-deleting-snapshot.html). Whatever of the
 * IP release is still running when the image is available shows in {@code launch-with-same-ip}.
 */
final class FloorProcedure {
    private final Ec2Client ec2;
    private final Ec2Script script;
    private final Runnable workloadWrites;

    /** {@code workloadWrites} is what the source's workload writes between the trial snapshot and the stop. */
    FloorProcedure(Ec2Client ec2, Duration poll, Runnable workloadWrites) {
        this.ec2 = ec2;
        this.script = new Ec2Script(ec2, poll);
        this.workloadWrites = workloadWrites;
    }

    /** Runs the trial snapshot and the writes, then the window; returns the window's steps in order. */
    List<Timed> run() {
        String source = BenchWorld.SOURCE;
        Instance src = script.instance(source);
        String rootVolume = src.blockDeviceMappings().get(0).ebs().volumeId();
        script.snapshotAndWait(rootVolume);  // the trial snapshot, taken while the source serves
        workloadWrites.run();

        script.step("stop-source", () -> {
            ec2.stopInstances(r -> r.instanceIds(source));
            script.waitState(source, "stopped");
        });
        String snapshot = script.step("snapshot-root+terminate-source", () -> {
            String id = script.startSnapshot(rootVolume);
            ec2.terminateInstances(r -> r.instanceIds(source));
            script.waitSnapshot(id);
            return id;
        });
        String image = script.step("register-image", () -> {
            String id = ec2.registerImage(r -> r.name("floor-hvm").virtualizationType("hvm")
                    .architecture(ArchitectureValues.X86_64).rootDeviceName("/dev/xvda").enaSupport(true)
                    .blockDeviceMappings(BlockDeviceMapping.builder().deviceName("/dev/xvda")
                            .ebs(e -> e.snapshotId(snapshot)).build())).imageId();
            script.waitImage(id);
            return id;
        });
        String hvm = script.step("launch-with-same-ip", () -> script.launchWithIp(image, src.subnetId(), BenchWorld.SOURCE_IP));
        script.step("associate-elastic-ip", () -> ec2.associateAddress(r -> r.allocationId(BenchWorld.EIP).instanceId(hvm)));
        script.step("await-reachable", () -> script.awaitReachable(hvm));
        return script.steps();
    }
}
