package io.pv2hvm.samples.bench;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ArchitectureValues;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The seeds' manual procedure (FIELD-NOTES, "The classic manual procedure"), scripted in its own
 * order against EC2: the source is stopped first so that no write is lost, and everything after
 * that is downtime: snapshot, copy volumes, the recipe on the worker, snapshot, register, a test
 * launch until its status checks pass, a backup image (CreateImage), terminate, relaunch with the
 * same private IP, Elastic IP. It is given every benefit: the worker already runs, waits poll as
 * often as pv2hvm's, independent volumes are created and attached together.
 */
final class SeedsProcedure {
    private final Ec2Client ec2;
    private final ModeledWorker worker;
    private final Duration poll;
    private final long usedBytes;
    private final List<Timed> steps = new ArrayList<>();

    /** A step's name and how long it took (real time). */
    record Timed(String name, Duration took) {
    }

    SeedsProcedure(Ec2Client ec2, ModeledWorker worker, Duration poll, long usedBytes) {
        this.ec2 = ec2;
        this.worker = worker;
        this.poll = poll;
        this.usedBytes = usedBytes;
    }

    /** Runs the procedure; returns its steps in order (all of them inside the downtime window). */
    List<Timed> run() {
        String source = BenchWorld.SOURCE;
        Instance src = instance(source);
        String rootVolume = src.blockDeviceMappings().get(0).ebs().volumeId();
        String az = src.placement().availabilityZone();
        int size = ec2.describeVolumes(r -> r.volumeIds(rootVolume)).volumes().get(0).size();

        step("stop-source", () -> {
            ec2.stopInstances(r -> r.instanceIds(source));
            waitState(source, "stopped");
        });
        String snapshot = step("snapshot-root", () -> snapshotAndWait(rootVolume));
        String[] volumes = step("create-copy-and-destination", () -> {
            String copy = ec2.createVolume(r -> r.availabilityZone(az).snapshotId(snapshot).volumeType("gp3")).volumeId();
            String dest = ec2.createVolume(r -> r.availabilityZone(az).size(size).volumeType("gp3")).volumeId();
            until(() -> available(copy) && available(dest));
            return new String[] {copy, dest};
        });
        step("attach-to-worker", () -> {
            ec2.attachVolume(r -> r.volumeId(volumes[0]).instanceId(BenchWorld.WORKER).device("/dev/sdm"));
            ec2.attachVolume(r -> r.volumeId(volumes[1]).instanceId(BenchWorld.WORKER).device("/dev/sdo"));
            until(() -> attached(volumes[0]) && attached(volumes[1]));
        });
        step("resize2fs-dd-grub", () -> worker.perform(volumes[1],
                ConversionCost.of(ConversionCost.Method.SEEDS_RECIPE, usedBytes)));
        step("detach-destination", () -> {
            ec2.detachVolume(r -> r.volumeId(volumes[1]));
            until(() -> available(volumes[1]));
        });
        String destSnapshot = step("snapshot-destination", () -> snapshotAndWait(volumes[1]));
        String image = step("register-hvm-image", () -> {
            String id = ec2.registerImage(r -> r.name("seeds-hvm").virtualizationType("hvm")
                    .architecture(ArchitectureValues.X86_64).rootDeviceName("/dev/xvda").enaSupport(true)
                    .blockDeviceMappings(BlockDeviceMapping.builder().deviceName("/dev/xvda")
                            .ebs(e -> e.snapshotId(destSnapshot)).build())).imageId();
            waitImage(id);
            return id;
        });
        step("test-launch-until-status-ok", () -> {
            String test = ec2.runInstances(r -> r.imageId(image).instanceType("m5.large").minCount(1).maxCount(1)
                    .subnetId(src.subnetId())).instances().get(0).instanceId();
            waitState(test, "running");
            until(() -> statusOk(test));
            ec2.terminateInstances(r -> r.instanceIds(test));
        });
        step("backup-image", () -> waitImage(ec2.createImage(r -> r.instanceId(source).name("seeds-backup")).imageId()));
        step("terminate-source", () -> {
            ec2.terminateInstances(r -> r.instanceIds(source));
            waitState(source, "terminated");
            until(() -> ec2.describeNetworkInterfaces(r -> r.filters(
                    Filter.builder().name("addresses.private-ip-address").values(BenchWorld.SOURCE_IP).build(),
                    Filter.builder().name("subnet-id").values(src.subnetId()).build())).networkInterfaces().isEmpty());
        });
        String hvm = step("launch-with-same-ip", () -> {
            String[] id = new String[1];
            until(() -> {
                try {
                    id[0] = ec2.runInstances(r -> r.imageId(image).instanceType("m5.large").minCount(1).maxCount(1)
                            .subnetId(src.subnetId()).privateIpAddress(BenchWorld.SOURCE_IP)).instances().get(0)
                            .instanceId();
                    return true;
                } catch (AwsServiceException e) {
                    if ("InvalidIPAddress.InUse".equals(e.awsErrorDetails().errorCode())) {
                        return false;
                    }
                    throw e;
                }
            });
            waitState(id[0], "running");
            return id[0];
        });
        step("associate-elastic-ip", () -> ec2.associateAddress(r -> r.allocationId(BenchWorld.EIP).instanceId(hvm)));
        // The window ends when the instance serves, as pv2hvm's does: console text proves nothing.
        step("await-boot", () -> until(() -> statusOk(hvm)));
        Instance done = instance(hvm);
        String eipHolder = ec2.describeAddresses(r -> r.allocationIds(BenchWorld.EIP)).addresses().get(0).instanceId();
        if (!"hvm".equals(done.virtualizationTypeAsString()) || !BenchWorld.SOURCE_IP.equals(done.privateIpAddress())
                || !hvm.equals(eipHolder)) {
            throw new IllegalStateException("the seeds' procedure did not end with an HVM instance holding "
                    + BenchWorld.SOURCE_IP + " and the Elastic IP: " + done);
        }
        return List.copyOf(steps);
    }

    private <T> T step(String name, Supplier<T> body) {
        long start = System.nanoTime();
        T value = body.get();
        steps.add(new Timed(name, Duration.ofNanos(System.nanoTime() - start)));
        return value;
    }

    private void step(String name, Runnable body) {
        step(name, () -> {
            body.run();
            return null;
        });
    }

    private String snapshotAndWait(String volume) {
        String id = ec2.createSnapshot(r -> r.volumeId(volume)).snapshotId();
        until(() -> "completed".equals(ec2.describeSnapshots(r -> r.snapshotIds(id)).snapshots().get(0).stateAsString()));
        return id;
    }

    private void waitImage(String id) {
        until(() -> "available".equals(ec2.describeImages(r -> r.imageIds(id)).images().get(0).stateAsString()));
    }

    private Instance instance(String id) {
        return ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    private void waitState(String id, String state) {
        until(() -> state.equals(instance(id).state().nameAsString()));
    }

    private boolean available(String volume) {
        return "available".equals(ec2.describeVolumes(r -> r.volumeIds(volume)).volumes().get(0).stateAsString());
    }

    private boolean attached(String volume) {
        return ec2.describeVolumes(r -> r.volumeIds(volume)).volumes().get(0).attachments().stream()
                .anyMatch(a -> "attached".equals(a.stateAsString()));
    }

    private boolean statusOk(String id) {
        return ec2.describeInstanceStatus(r -> r.instanceIds(id)).instanceStatuses().stream().anyMatch(s ->
                "ok".equals(s.instanceStatus().statusAsString()) && "ok".equals(s.systemStatus().statusAsString()));
    }

    private void until(BooleanSupplier done) {
        long deadline = System.nanoTime() + poll.toNanos() * 10_000;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the seeds' procedure waited 10,000 polls for a state EC2 never reached");
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
