package io.pv2hvm.samples.bench;

import io.pv2hvm.samples.bench.Ec2Script.Timed;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ArchitectureValues;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.time.Duration;
import java.util.List;

/**
 * The seeds' manual procedure (FIELD-NOTES, "The classic manual procedure"), scripted in its own
 * order against EC2: the source is stopped first so that no write is lost, and everything after
 * that is downtime: snapshot, copy volumes, the recipe on the worker, snapshot, register, a test
 * launch until it is reachable, a backup image (CreateImage), terminate, relaunch with the same
 * private IP, Elastic IP. It is given every benefit: the worker already runs, waits poll as often
 * as pv2hvm's, independent volumes are created and attached together. On equal terms with pv2hvm:
 * its recipe's bytes come from the conversion benchmark's row for the volume's size, and its test
 * launch and its window end on the same signal as pv2hvm's window (EC2's reachability check).
 */
final class SeedsProcedure {
    private final Ec2Client ec2;
    private final Ec2Script script;
    private final ModeledWorker worker;
    private final long usedBytes;

    SeedsProcedure(Ec2Client ec2, ModeledWorker worker, Duration poll, long usedBytes) {
        this.ec2 = ec2;
        this.script = new Ec2Script(ec2, poll);
        this.worker = worker;
        this.usedBytes = usedBytes;
    }

    /** Runs the procedure; returns its steps in order (all of them inside the downtime window). */
    List<Timed> run() {
        String source = BenchWorld.SOURCE;
        Instance src = script.instance(source);
        String rootVolume = src.blockDeviceMappings().get(0).ebs().volumeId();
        String az = src.placement().availabilityZone();
        int size = ec2.describeVolumes(r -> r.volumeIds(rootVolume)).volumes().get(0).size();

        script.step("stop-source", () -> {
            ec2.stopInstances(r -> r.instanceIds(source));
            script.waitState(source, "stopped");
        });
        String snapshot = script.step("snapshot-root", () -> script.snapshotAndWait(rootVolume));
        String[] volumes = script.step("create-copy-and-destination", () -> {
            String copy = ec2.createVolume(r -> r.availabilityZone(az).snapshotId(snapshot).volumeType("gp3")).volumeId();
            String dest = ec2.createVolume(r -> r.availabilityZone(az).size(size).volumeType("gp3")).volumeId();
            script.until(() -> script.available(copy) && script.available(dest));
            return new String[] {copy, dest};
        });
        script.step("attach-to-worker", () -> {
            ec2.attachVolume(r -> r.volumeId(volumes[0]).instanceId(BenchWorld.WORKER).device("/dev/sdm"));
            ec2.attachVolume(r -> r.volumeId(volumes[1]).instanceId(BenchWorld.WORKER).device("/dev/sdo"));
            script.until(() -> script.attached(volumes[0]) && script.attached(volumes[1]));
        });
        script.step("resize2fs-dd-grub", () -> worker.perform(volumes[1],
                ConversionCost.of(ConversionCost.Method.SEEDS_RECIPE, size, usedBytes)));
        script.step("detach-destination", () -> {
            ec2.detachVolume(r -> r.volumeId(volumes[1]));
            script.until(() -> script.available(volumes[1]));
        });
        String destSnapshot = script.step("snapshot-destination", () -> script.snapshotAndWait(volumes[1]));
        String image = script.step("register-hvm-image", () -> {
            String id = ec2.registerImage(r -> r.name("seeds-hvm").virtualizationType("hvm")
                    .architecture(ArchitectureValues.X86_64).rootDeviceName("/dev/xvda").enaSupport(true)
                    .blockDeviceMappings(BlockDeviceMapping.builder().deviceName("/dev/xvda")
                            .ebs(e -> e.snapshotId(destSnapshot)).build())).imageId();
            script.waitImage(id);
            return id;
        });
        // The seeds verify the final image before giving up the source; they wait for the same signal
        // pv2hvm's window ends on, so neither side pays a check the other skips.
        script.step("test-launch-until-reachable", () -> {
            String test = ec2.runInstances(r -> r.imageId(image).instanceType("m5.large").minCount(1).maxCount(1)
                    .subnetId(src.subnetId())).instances().get(0).instanceId();
            script.awaitReachable(test);
            ec2.terminateInstances(r -> r.instanceIds(test));
        });
        script.step("backup-image", () -> script.waitImage(
                ec2.createImage(r -> r.instanceId(source).name("seeds-backup")).imageId()));
        script.step("terminate-source", () -> {
            ec2.terminateInstances(r -> r.instanceIds(source));
            script.waitState(source, "terminated");
            script.until(() -> ec2.describeNetworkInterfaces(r -> r.filters(
                    Filter.builder().name("addresses.private-ip-address").values(BenchWorld.SOURCE_IP).build(),
                    Filter.builder().name("subnet-id").values(src.subnetId()).build())).networkInterfaces().isEmpty());
        });
        String hvm = script.step("launch-with-same-ip", () -> script.launchWithIp(image, src.subnetId(), BenchWorld.SOURCE_IP));
        script.step("associate-elastic-ip", () -> ec2.associateAddress(r -> r.allocationId(BenchWorld.EIP).instanceId(hvm)));
        // The window ends when the instance serves, as pv2hvm's does: console text proves nothing.
        script.step("await-boot", () -> script.awaitReachable(hvm));
        requireServing(hvm);
        return script.steps();
    }

    private void requireServing(String hvm) {
        Instance done = script.instance(hvm);
        String eipHolder = ec2.describeAddresses(r -> r.allocationIds(BenchWorld.EIP)).addresses().get(0).instanceId();
        if (!"hvm".equals(done.virtualizationTypeAsString()) || !BenchWorld.SOURCE_IP.equals(done.privateIpAddress())
                || !hvm.equals(eipHolder)) {
            throw new IllegalStateException("the seeds' procedure did not end with an HVM instance holding "
                    + BenchWorld.SOURCE_IP + " and the Elastic IP: " + done);
        }
    }
}
