package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.Responses;
import io.pv2hvm.aws.internal.AwsCalls;
import io.pv2hvm.aws.internal.Ec2Resources;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SweepContext;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Operations over many migrations. {@link #fleet} migrates many instances, a few at a time, under
 * shared rate limits. {@link #sweep} finds the temporaries that crashed runs left behind, by tag,
 * and deletes them, sparing migrations whose journal says they are still in progress (they may be
 * resumed).
 */
public final class Migrations {
    private static final List<Filter> OURS = List.of(Filter.builder().name("tag-key").values(Tags.ROLE).build());

    private Migrations() {
    }

    /**
     * Starts describing the migration of a fleet: one migration per instance, shaped alike, run a
     * few at a time under one set of {@link Ec2RateLimits}. Finish with {@link FleetSpec#plan()} or
     * {@link FleetSpec#run()}.
     *
     * <pre>{@code
     * FleetResult r = Migrations.fleet(ids).using(aws).each(s -> s.preservingIps()).maxConcurrent(5).run();
     * }</pre>
     *
     * @throws io.pv2hvm.core.InvalidSpecException when {@code instanceIds} is empty, or holds a
     *                                             malformed id or the same id twice (all named at once)
     */
    public static FleetSpec fleet(Collection<String> instanceIds) {
        return FleetSpec.of(instanceIds);
    }

    /**
     * Deletes orphaned temporaries (workers, trial instances, scratch volumes, trial snapshots and
     * images) of migrations whose journal says they finished or failed. Kept resources (backup and
     * HVM images, new instances) are never touched. Migrations this journal does not know (run from
     * another machine, or journal lost) are spared unless {@code includeUnjournaled}: they may be
     * running elsewhere right now.
     */
    public static SweepReport sweep(Ec2Client ec2, Journal journal, boolean includeUnjournaled, boolean dryRun) {
        return sweep(ec2, journal, includeUnjournaled, dryRun, AwsTimeouts.defaults());
    }

    /** {@link #sweep(Ec2Client, Journal, boolean, boolean)} with explicit wait timeouts. */
    public static SweepReport sweep(Ec2Client ec2, Journal journal, boolean includeUnjournaled, boolean dryRun,
                                    AwsTimeouts timeouts) {
        AwsCalls calls = new AwsCalls();
        Ec2Resources res = new Ec2Resources(ec2, calls, timeouts);
        List<Found> found = new ArrayList<>();
        calls.call("DescribeInstances", () -> ec2.describeInstances(r -> r.filters(OURS))).reservations().stream()
                .flatMap(r -> r.instances().stream())
                .filter(i -> !"terminated".equals(Responses.stateName(i)))
                .forEach(i -> found.add(found("instance", i.instanceId(), i.tags())));
        calls.call("DescribeImages", () -> ec2.describeImages(r -> r.owners("self").filters(OURS))).images()
                .forEach(i -> found.add(found("image", i.imageId(), i.tags())));
        calls.call("DescribeVolumes", () -> ec2.describeVolumes(r -> r.filters(OURS))).volumes()
                .forEach(v -> found.add(found("volume", v.volumeId(), v.tags())));
        calls.call("DescribeSnapshots", () -> ec2.describeSnapshots(r -> r.ownerIds("self").filters(OURS)))
                .snapshots().forEach(s -> found.add(found("snapshot", s.snapshotId(), s.tags())));
        calls.call("DescribeSecurityGroups", () -> ec2.describeSecurityGroups(r -> r.filters(OURS)))
                .securityGroups().forEach(g -> found.add(found("security-group", g.groupId(), g.tags())));

        List<Resource> deleted = new ArrayList<>();
        List<Resource> skipped = new ArrayList<>();
        for (Found f : found) {
            if (!Roles.TEMPORARY.contains(f.resource.role())) {
                continue;
            }
            Optional<List<JournalEntry>> entries = f.migrationId == null ? Optional.of(List.of())
                    : read(journal, f.migrationId);
            // An unreadable journal is no proof the migration stopped: spare it.
            boolean orphan = entries.map(e -> e.isEmpty() ? includeUnjournaled : finished(e)).orElse(false);
            (orphan ? deleted : skipped).add(f.resource);
        }
        if (!dryRun) {
            // Instances first (they hold volumes and groups), then images (they hold snapshots), then the rest.
            for (String type : List.of("instance", "image", "volume", "snapshot", "security-group")) {
                for (Found f : found) {
                    if (!deleted.contains(f.resource) || !type.equals(f.resource.type())) {
                        continue;
                    }
                    boolean journaled = f.migrationId != null && read(journal, f.migrationId).map(e -> !e.isEmpty())
                            .orElse(false);
                    SweepContext ctx = new SweepContext(f.migrationId == null ? "unknown" : f.migrationId, journal,
                            journaled);
                    switch (type) {
                        case "instance" -> res.terminateAndWait(ctx, f.resource.id(), f.resource.role());
                        case "image" -> res.deregister(ctx, f.resource.id(), f.resource.role());
                        case "volume" -> res.detachAndDeleteListed(ctx, f.resource.id(), f.resource.role());
                        case "security-group" -> res.deleteSecurityGroup(ctx, f.resource.id(), f.resource.role());
                        default -> res.deleteSnapshot(ctx, f.resource.id(), f.resource.role());
                    }
                }
            }
        }
        return new SweepReport(deleted, skipped, dryRun);
    }

    private static Optional<List<JournalEntry>> read(Journal journal, String migrationId) {
        try {
            return Optional.of(journal.read(migrationId));
        } catch (RuntimeException e) {
            return Optional.empty(); // unreadable, or a malformed id in a tag: not ours to judge
        }
    }

    private static boolean finished(List<JournalEntry> entries) {
        return entries.stream().anyMatch(e -> e.type() == JournalEntry.Type.MIGRATION_SUCCEEDED
                || e.type() == JournalEntry.Type.MIGRATION_FAILED);
    }

    private static Found found(String type, String id, List<Tag> tags) {
        Map<String, String> m = Ec2Resources.tagMap(tags);
        return new Found(new Resource(type, id, m.getOrDefault(Tags.ROLE, "?")), m.get(Tags.MIGRATION_ID));
    }

    private record Found(Resource resource, String migrationId) {
    }
}
