package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.AwsCallException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeImagesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSnapshotsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVolumesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStatus;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Volume;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The poll rounds a fleet shares, one {@link SharedDescribe} per resource kind, on one account's
 * EC2 client (a single migration is a fleet of one). Waits ({@link Waits}) look through them:
 * per round one Describe per kind names every id any migration of the fleet waits for.
 *
 * <p>Ids go in as {@code instance-id} / {@code volume-id} / {@code snapshot-id} / {@code image-id}
 * filters, not as id lists: an id list fails as a whole with {@code InvalidXxx.NotFound} when one
 * id is not yet visible (EC2 is eventually consistent:
 * https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html), a filter just leaves
 * it out, which a wait reads as "not visible yet", as it read NotFound before. At most
 * {@value #FILTER_VALUES} values go in one filter (EC2 answers {@code FilterLimitExceeded} above:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html), every page is read.
 * DescribeInstanceStatus has no id filter: it takes up to {@value #STATUS_IDS} ids
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceStatus.html), and a
 * batch that fails NotFound is split until the unknown id stands alone.
 */
public final class SharedPolls {
    /** Values per filter EC2 accepts in one request. */
    static final int FILTER_VALUES = 200;
    /** Instance ids DescribeInstanceStatus accepts in one request. */
    static final int STATUS_IDS = 100;

    private final SharedDescribe<Instance> instances;
    private final SharedDescribe<Volume> volumes;
    private final SharedDescribe<Snapshot> snapshots;
    private final SharedDescribe<Image> images;
    private final SharedDescribe<InstanceStatus> statuses;

    /**
     * How much further apart a fleet's rounds of volumes, snapshots and images are than those of
     * instances: a snapshot takes minutes (EBS copies the blocks that changed), an image waits for
     * its snapshot, and a fleet always has some volume attaching, detaching or being deleted, so
     * these kinds would be polled every interval for the whole run. A few seconds more before a
     * fleet sees one change costs its migrations little (the fleet's makespan stays within the
     * benchmark's bound) and halves these rounds. A single migration polls them as before (rounds
     * are spaced only when two or more migrations watch), so its window is unchanged.
     */
    static final int SLOW_KIND_SPACING = 2;
    /**
     * A fleet's status-check rounds are as far apart as a status wait's own gaps
     * ({@link Ec2Resources#waitStatusOk}: three intervals): EC2 runs the checks once a minute
     * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-system-instance-status-check.html).
     */
    static final int STATUS_SPACING = 3;
    /**
     * A fleet's instance rounds are one and a half intervals apart: some migration of a fleet
     * always waits for an instance (a worker or trial to run, a source to stop, a worker to be
     * terminated), so instance rounds ran every interval for the whole run and were a fleet's
     * largest share of calls. A state change is seen a little later on average (a quarter of an
     * interval), against a third fewer rounds; a single migration polls as before.
     */
    static final double INSTANCE_SPACING = 1.5;

    /** Rounds on {@code ec2}, at most {@code interval} apart (a wait's longest gap: {@link io.pv2hvm.aws.AwsTimeouts#poll()}). */
    public SharedPolls(Ec2Client ec2, java.time.Duration interval) {
        this.instances = new SharedDescribe<>(Ec2Action.DESCRIBE_INSTANCES, java.time.Duration.ofNanos(
                Math.round(interval.toNanos() * INSTANCE_SPACING)), (ids, leader, owners) -> {
            Map<String, Instance> found = new HashMap<>();
            for (List<String> chunk : chunks(ids, FILTER_VALUES)) {
                pages(next -> leader.callShared(Ec2Action.DESCRIBE_INSTANCES, () -> ec2.describeInstances(r ->
                            r.filters(idFilter("instance-id", chunk)).maxResults(1000).nextToken(next)), owners),
                        DescribeInstancesResponse::nextToken, p -> p.reservations().forEach(res -> res.instances().forEach(i -> found.put(i.instanceId(), i))));
            }
            return found;
        });
        this.volumes = new SharedDescribe<>(Ec2Action.DESCRIBE_VOLUMES, interval.multipliedBy(SLOW_KIND_SPACING), (ids, leader, owners) -> {
            Map<String, Volume> found = new HashMap<>();
            for (List<String> chunk : chunks(ids, FILTER_VALUES)) {
                pages(next -> leader.callShared(Ec2Action.DESCRIBE_VOLUMES, () -> ec2.describeVolumes(r ->
                            r.filters(idFilter("volume-id", chunk)).maxResults(500).nextToken(next)), owners),
                        DescribeVolumesResponse::nextToken, p -> p.volumes().forEach(v -> found.put(v.volumeId(), v)));
            }
            return found;
        });
        this.snapshots = new SharedDescribe<>(Ec2Action.DESCRIBE_SNAPSHOTS, interval.multipliedBy(SLOW_KIND_SPACING), (ids, leader, owners) -> {
            Map<String, Snapshot> found = new HashMap<>();
            for (List<String> chunk : chunks(ids, FILTER_VALUES)) {
                pages(next -> leader.callShared(Ec2Action.DESCRIBE_SNAPSHOTS, () -> ec2.describeSnapshots(r ->
                            r.ownerIds("self").filters(idFilter("snapshot-id", chunk)).maxResults(1000).nextToken(next)),
                            owners),
                        DescribeSnapshotsResponse::nextToken, p -> p.snapshots().forEach(s -> found.put(s.snapshotId(), s)));
            }
            return found;
        });
        this.images = new SharedDescribe<>(Ec2Action.DESCRIBE_IMAGES, interval.multipliedBy(SLOW_KIND_SPACING), (ids, leader, owners) -> {
            Map<String, Image> found = new HashMap<>();
            for (List<String> chunk : chunks(ids, FILTER_VALUES)) {
                pages(next -> leader.callShared(Ec2Action.DESCRIBE_IMAGES, () -> ec2.describeImages(r ->
                            r.filters(idFilter("image-id", chunk)).maxResults(1000).nextToken(next)), owners),
                        DescribeImagesResponse::nextToken, p -> p.images().forEach(i -> found.put(i.imageId(), i)));
            }
            return found;
        });
        this.statuses = new SharedDescribe<>(Ec2Action.DESCRIBE_INSTANCE_STATUS, interval.multipliedBy(STATUS_SPACING), (ids, leader, owners) -> {
            Map<String, InstanceStatus> found = new HashMap<>();
            for (List<String> chunk : chunks(ids, STATUS_IDS)) {
                statuses(ec2, chunk, leader, owners, found);
            }
            return found;
        });
    }

    /** One DescribeInstanceStatus of {@code ids}; NotFound splits the batch, an unknown id alone is left out. */
    private static void statuses(Ec2Client ec2, List<String> ids, AwsCalls leader, List<AwsCalls> owners,
                                 Map<String, InstanceStatus> found) {
        try {
            leader.callShared(Ec2Action.DESCRIBE_INSTANCE_STATUS, () -> ec2.describeInstanceStatus(r -> r.instanceIds(ids)
                    .includeAllInstances(true)), owners).instanceStatuses().forEach(s -> found.put(s.instanceId(), s));
        } catch (AwsCallException e) {
            if (!"InvalidInstanceID.NotFound".equals(e.errorCode())) {
                throw e;
            }
            if (ids.size() > 1) {
                int half = ids.size() / 2;
                statuses(ec2, ids.subList(0, half), leader, owners, found);
                statuses(ec2, ids.subList(half, ids.size()), leader, owners, found);
            }
        }
    }

    /** Reads every page: {@code page} fetches the one after a token (null: the first), {@code each} takes it in. */
    private static <P> void pages(java.util.function.Function<String, P> page, java.util.function.Function<P, String> nextToken,
                                  java.util.function.Consumer<P> each) {
        String token = null;
        do {
            P p = page.apply(token);
            each.accept(p);
            token = nextToken.apply(p);
        } while (token != null && !token.isEmpty());
    }

    private static Filter idFilter(String name, List<String> ids) {
        return Filter.builder().name(name).values(ids).build();
    }

    private static List<List<String>> chunks(List<String> ids, int size) {
        List<List<String>> out = new java.util.ArrayList<>();
        for (int i = 0; i < ids.size(); i += size) {
            out.add(ids.subList(i, Math.min(ids.size(), i + size)));
        }
        return out;
    }

    public SharedDescribe<Instance> instances() {
        return instances;
    }

    public SharedDescribe<Volume> volumes() {
        return volumes;
    }

    public SharedDescribe<Snapshot> snapshots() {
        return snapshots;
    }

    public SharedDescribe<Image> images() {
        return images;
    }

    /** Status checks, with {@code includeAllInstances} (a stopped or pending instance is listed too). */
    public SharedDescribe<InstanceStatus> statuses() {
        return statuses;
    }
}
