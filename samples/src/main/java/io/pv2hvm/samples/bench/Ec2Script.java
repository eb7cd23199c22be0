package io.pv2hvm.samples.bench;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A hand-scripted procedure's EC2 calls and waits, polling at pv2hvm's interval, and the steps it
 * timed. The scripted procedures ({@link SeedsProcedure}, {@link FloorProcedure}) share it so that
 * they wait for the same signals the same way: instance states, completed snapshots, available
 * images, and the end of every downtime window, EC2's reachability check (what pv2hvm's window
 * ends on when no health command is given; see sdk-aws {@code BootCheck.awaitServing}).
 */
final class Ec2Script {
    private final Ec2Client ec2;
    private final Duration poll;
    private final List<Timed> steps = new ArrayList<>();

    /** A step's name and how long it took (real time). */
    record Timed(String name, Duration took) {
    }

    Ec2Script(Ec2Client ec2, Duration poll) {
        this.ec2 = ec2;
        this.poll = poll;
    }

    /** The steps timed so far, in order. */
    List<Timed> steps() {
        return List.copyOf(steps);
    }

    /** Runs {@code body} as a timed step. */
    <T> T step(String name, Supplier<T> body) {
        long start = System.nanoTime();
        T value = body.get();
        steps.add(new Timed(name, Duration.ofNanos(System.nanoTime() - start)));
        return value;
    }

    /** Runs {@code body} as a timed step. */
    void step(String name, Runnable body) {
        step(name, () -> {
            body.run();
            return null;
        });
    }

    /** Starts a snapshot of {@code volume}; returns its id. */
    String startSnapshot(String volume) {
        return ec2.createSnapshot(r -> r.volumeId(volume)).snapshotId();
    }

    /** Waits until snapshot {@code id} is completed. */
    void waitSnapshot(String id) {
        until(() -> "completed".equals(ec2.describeSnapshots(r -> r.snapshotIds(id)).snapshots().get(0).stateAsString()));
    }

    /** Snapshots {@code volume} and waits until the snapshot is completed. */
    String snapshotAndWait(String volume) {
        String id = startSnapshot(volume);
        waitSnapshot(id);
        return id;
    }

    /** Waits until image {@code id} is available. */
    void waitImage(String id) {
        until(() -> "available".equals(ec2.describeImages(r -> r.imageIds(id)).images().get(0).stateAsString()));
    }

    Instance instance(String id) {
        return ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    void waitState(String id, String state) {
        until(() -> state.equals(instance(id).state().nameAsString()));
    }

    boolean available(String volume) {
        return "available".equals(ec2.describeVolumes(r -> r.volumeIds(volume)).volumes().get(0).stateAsString());
    }

    boolean attached(String volume) {
        return ec2.describeVolumes(r -> r.volumeIds(volume)).volumes().get(0).attachments().stream()
                .anyMatch(a -> "attached".equals(a.stateAsString()));
    }

    /** Waits until the instance runs and EC2's reachability check of it passes: where every window ends. */
    void awaitReachable(String id) {
        waitState(id, "running");
        until(() -> ec2.describeInstanceStatus(r -> r.instanceIds(id).includeAllInstances(true)).instanceStatuses()
                .stream().anyMatch(s -> s.instanceStatus() != null && s.instanceStatus().details().stream()
                        .anyMatch(d -> "reachability".equals(d.nameAsString()) && "passed".equals(d.statusAsString()))));
    }

    /**
     * Launches {@code image} as an m5.large with {@code privateIp} in {@code subnet}, retrying while
     * EC2 still holds the IP (InvalidIPAddress.InUse: the terminated owner has not released it);
     * waits until it runs.
     */
    String launchWithIp(String image, String subnet, String privateIp) {
        String[] id = new String[1];
        until(() -> {
            try {
                id[0] = ec2.runInstances(r -> r.imageId(image).instanceType("m5.large").minCount(1).maxCount(1)
                        .subnetId(subnet).privateIpAddress(privateIp)).instances().get(0).instanceId();
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
    }

    /** Polls {@code done} at pv2hvm's interval until it holds (at most 10,000 polls). */
    void until(BooleanSupplier done) {
        long deadline = System.nanoTime() + poll.toNanos() * 10_000;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a scripted procedure waited 10,000 polls for a state EC2 never reached");
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
