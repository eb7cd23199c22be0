package io.pv2hvm.aws.internal.probe;

import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.internal.AwsCalls;
import io.pv2hvm.aws.internal.Ec2Action;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Deletes the latency probe's resources: the ids a run created (each created with the probe's
 * tags) plus whatever DescribeX finds with those tags, and nothing else: a resource a describe
 * returns is deleted only if it carries the probe's role tag and matches the run's tag. Order:
 * instances terminated and images deregistered, then (instances gone) snapshots and volumes.
 */
public final class ProbeSweep {
    private final Ec2Client ec2;
    private final AwsCalls calls;
    private final ProbePolls polls;
    private final Duration timeout;
    private final Consumer<String> progress;
    private final String roleKey;
    private final String roleValue;
    private final List<String> failures = new ArrayList<>();

    /**
     * @param timeout how long each resource may take to go (an instance to terminate, a volume to detach)
     */
    public ProbeSweep(Ec2Client ec2, AwsCalls calls, ProbePolls polls, Duration timeout, Consumer<String> progress,
                      String roleKey, String roleValue) {
        this.ec2 = ec2;
        this.calls = calls;
        this.polls = polls;
        this.timeout = timeout;
        this.progress = progress;
        this.roleKey = roleKey;
        this.roleValue = roleValue;
    }

    /**
     * Deletes {@code created} and every resource tagged with the probe's role and {@code tagKey=tagValue}
     * (any value when {@code tagValue} is null) that {@code eligible} accepts (given its creation time).
     *
     * @return the ids deleted, in order
     */
    public List<String> delete(Set<String> created, String tagKey, String tagValue, Predicate<Instant> eligible) {
        Thread.interrupted(); // cleanup after Ctrl-C must not stop at its first pause
        failures.clear();
        List<Filter> filters = new ArrayList<>(List.of(Filter.builder().name("tag:" + roleKey).values(roleValue).build()));
        filters.add(tagValue == null ? Filter.builder().name("tag-key").values(tagKey).build()
                : Filter.builder().name("tag:" + tagKey).values(tagValue).build());
        List<String> deleted = new ArrayList<>();
        Set<String> instances = new LinkedHashSet<>(prefixed(created, "i-"));
        calls.call(Ec2Action.DESCRIBE_INSTANCES, () -> ec2.describeInstances(r -> r.filters(filters))).reservations().stream()
                .flatMap(r -> r.instances().stream())
                .filter(i -> ours(i.tags()) && i.state().name() != InstanceStateName.TERMINATED && eligible.test(i.launchTime()))
                .map(Instance::instanceId).forEach(instances::add);
        Set<String> images = new LinkedHashSet<>(prefixed(created, "ami-"));
        calls.call(Ec2Action.DESCRIBE_IMAGES, () -> ec2.describeImages(r -> r.owners("self").filters(filters))).images().stream()
                .filter(i -> ours(i.tags()) && eligible.test(parse(i.creationDate()))).map(Image::imageId)
                .forEach(images::add);
        for (String id : instances) {
            if (gone("terminate " + id, created.contains(id), () -> calls.call(Ec2Action.TERMINATE_INSTANCES,
                    () -> ec2.terminateInstances(r -> r.instanceIds(id))))) {
                deleted.add(id);
            }
        }
        for (String id : images) {
            if (gone("deregister " + id, created.contains(id), () -> calls.call(Ec2Action.DEREGISTER_IMAGE,
                    () -> ec2.deregisterImage(r -> r.imageId(id))))) {
                deleted.add(id);
            }
        }
        for (String id : instances) {
            try {
                polls.until("instance " + id + " terminated", timeout, () -> terminated(id));
            } catch (io.pv2hvm.core.MigrationException e) {
                failures.add("instance " + id + " did not terminate: " + e.getMessage());
            }
        }
        Set<String> snapshots = new LinkedHashSet<>(prefixed(created, "snap-"));
        calls.call(Ec2Action.DESCRIBE_SNAPSHOTS, () -> ec2.describeSnapshots(r -> r.ownerIds("self").filters(filters))).snapshots()
                .stream().filter(s -> ours(s.tags()) && eligible.test(s.startTime())).map(Snapshot::snapshotId)
                .forEach(snapshots::add);
        for (String id : snapshots) {
            if (gone("delete " + id, created.contains(id), () -> calls.call(Ec2Action.DELETE_SNAPSHOT,
                    () -> ec2.deleteSnapshot(r -> r.snapshotId(id))))) {
                deleted.add(id);
            }
        }
        Set<String> volumes = new LinkedHashSet<>(prefixed(created, "vol-"));
        calls.call(Ec2Action.DESCRIBE_VOLUMES, () -> ec2.describeVolumes(r -> r.filters(filters))).volumes().stream()
                .filter(v -> ours(v.tags()) && v.state() != VolumeState.DELETING && eligible.test(v.createTime()))
                .map(Volume::volumeId).forEach(volumes::add);
        for (String id : volumes) {
            if (gone("delete " + id, created.contains(id), () -> calls.call(Ec2Action.DELETE_VOLUME,
                    () -> ec2.deleteVolume(r -> r.volumeId(id))))) {
                deleted.add(id);
            }
        }
        if (!deleted.isEmpty()) {
            progress.accept("deleted " + String.join(", ", deleted));
        }
        return deleted;
    }

    /**
     * Runs a delete until EC2 accepts it or says the resource does not exist, retrying "not yet"
     * answers (in use, incorrect state, throttled) until the timeout. A created id answered NotFound
     * may just not be visible yet (EC2 is eventually consistent), so it is tried until the timeout
     * too; a described one answered NotFound was deleted meanwhile. A delete that still fails is
     * recorded in {@link #failures} and the sweep goes on with the others.
     *
     * @return true when EC2 accepted the delete
     */
    private boolean gone(String what, boolean known, Runnable delete) {
        boolean[] accepted = {false};
        String[] last = {null};
        try {
            polls.until(what, timeout, () -> {
                try {
                    delete.run();
                    accepted[0] = true;
                    return true;
                } catch (AwsCallException e) {
                    String code = e.errorCode() == null ? "" : e.errorCode();
                    last[0] = e.getMessage();
                    if (code.endsWith(".NotFound")) {
                        return !known;
                    }
                    if (e.retryable() || code.endsWith("InUse") || code.equals("IncorrectState")) {
                        return false;
                    }
                    throw e;
                }
            });
        } catch (io.pv2hvm.core.MigrationException e) {
            if (last[0] != null && last[0].contains(".NotFound")) {
                return false; // created but never visible: nothing to delete
            }
            failures.add(what + ": " + (last[0] != null ? last[0] : e.getMessage()));
        }
        return accepted[0];
    }

    /** The deletes that failed in this sweep's last {@link #delete} (empty when everything went). */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    private boolean terminated(String id) {
        try {
            return calls.call(Ec2Action.DESCRIBE_INSTANCES, () -> ec2.describeInstances(r -> r.instanceIds(id))).reservations()
                    .stream().flatMap(r -> r.instances().stream())
                    .allMatch(i -> i.state().name() == InstanceStateName.TERMINATED);
        } catch (AwsCallException e) {
            if ("InvalidInstanceID.NotFound".equals(e.errorCode())) {
                return true; // no longer listed
            }
            throw e;
        }
    }

    private boolean ours(List<Tag> tags) {
        return tags.stream().anyMatch(t -> roleKey.equals(t.key()) && roleValue.equals(t.value()));
    }

    private static List<String> prefixed(Set<String> ids, String prefix) {
        return ids.stream().filter(id -> id.startsWith(prefix)).toList();
    }

    private static Instant parse(String iso) {
        try {
            return iso == null ? Instant.EPOCH : Instant.parse(iso);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
