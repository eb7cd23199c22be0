package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.Responses;
import io.pv2hvm.aws.internal.AwsCalls;
import io.pv2hvm.aws.internal.Ec2Resources;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SweepContext;
import io.pv2hvm.core.JournalLockedException;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.JournalLock;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Operations over many migrations. {@link #fleet} migrates many instances, a few at a time, under
 * shared rate limits. {@link #sweep} finds the temporaries that crashed runs left behind, by tag,
 * and deletes those a journal names, sparing migrations whose journal says they are still in
 * progress (they may be resumed).
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
     * images) that this journal names as created by migrations that finished or failed. Kept
     * resources (backup and HVM images, new instances) are never touched. Tags alone are no proof:
     * anyone who can tag can write {@code pv2hvm:*}, so a resource no journal names is spared and
     * listed as unverified, unless {@link SweepOptions.Builder#migrationIds} vouches for its
     * migration. Migrations in progress, and those another process runs now (their journal is
     * locked), are spared.
     *
     * <pre>{@code
     * SweepReport r = Migrations.sweep(ec2, journal, SweepOptions.builder().dryRun().build());
     * }</pre>
     */
    public static SweepReport sweep(Ec2Client ec2, Journal journal, SweepOptions options) {
        Set<String> explicit = options.migrationIds();
        boolean dryRun = options.dryRun();
        AwsCalls calls = new AwsCalls();
        Ec2Resources res = new Ec2Resources(ec2, calls, options.timeouts());
        List<Found> found = new ArrayList<>();
        res.describeInstances(r -> r.filters(OURS)).reservations().stream()
                .flatMap(r -> r.instances().stream())
                .filter(i -> InstanceStateName.fromValue(Responses.stateName(i)) != InstanceStateName.TERMINATED)
                .forEach(i -> found.add(found("instance", i.instanceId(), i.tags(), null)));
        res.describeImages(r -> r.owners("self").filters(OURS)).images()
                .forEach(i -> found.add(found("image", i.imageId(), i.tags(), null)));
        res.describeVolumes(r -> r.filters(OURS)).volumes()
                .forEach(v -> found.add(found("volume", v.volumeId(), v.tags(),
                        v.attachments().isEmpty() ? null : v.attachments().get(0).instanceId())));
        res.describeSnapshots(r -> r.ownerIds("self").filters(OURS))
                .snapshots().forEach(s -> found.add(found("snapshot", s.snapshotId(), s.tags(), null)));
        res.describeSecurityGroups(r -> r.filters(OURS))
                .securityGroups().forEach(g -> found.add(found("security-group", g.groupId(), g.tags(), null)));

        List<Found> toDelete = new ArrayList<>();
        List<Resource> skipped = new ArrayList<>();
        List<Resource> unverified = new ArrayList<>();
        Map<String, JournalLock> locks = new HashMap<>();
        Set<String> running = new HashSet<>();
        try {
            for (Found f : found) {
                if (!Roles.TEMPORARY.contains(f.resource.role())) {
                    continue;
                }
                Optional<List<JournalEntry>> entries = f.migrationId == null ? Optional.of(List.of())
                        : read(journal, f.migrationId);
                boolean vouched = f.migrationId != null && explicit.contains(f.migrationId);
                // A worker's root volume is named through the instance it belongs to.
                boolean named = entries.map(e -> names(e, f.resource.id())
                        || (f.attachedTo != null && names(e, f.attachedTo))).orElse(false);
                if (!vouched && !named) {
                    unverified.add(f.resource);
                } else if (!vouched && !finished(entries.get())) {
                    skipped.add(f.resource); // in progress: it may be resumed
                } else if (!lock(journal, f.migrationId, locks, running)) {
                    skipped.add(f.resource); // another process runs this migration right now
                } else {
                    toDelete.add(f);
                }
            }
            if (!dryRun) {
                delete(res, journal, toDelete, options);
            }
        } finally {
            locks.values().forEach(JournalLock::close);
        }
        SweepReport.Builder report = SweepReport.builder().deleted(toDelete.stream().map(Found::resource).toList())
                .skipped(skipped).unverified(unverified);
        return (dryRun ? report.dryRun() : report).build();
    }

    /** Instances first (they hold volumes and groups), then images (they hold snapshots), then the rest. */
    private static void delete(Ec2Resources res, Journal journal, List<Found> toDelete, SweepOptions options) {
        for (String type : List.of("instance", "image", "volume", "snapshot", "security-group")) {
            for (Found f : toDelete) {
                if (!type.equals(f.resource.type())) {
                    continue;
                }
                boolean journaled = read(journal, f.migrationId).map(e -> !e.isEmpty()).orElse(false);
                SweepContext ctx = journaled
                        ? SweepContext.recordingIn(journal, f.migrationId, options.clock(), options.sleeper())
                        : SweepContext.unrecorded(f.migrationId, options.clock(), options.sleeper());
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

    /** Takes (once) the journal lock of {@code migrationId}; false if another process holds it. */
    private static boolean lock(Journal journal, String migrationId, Map<String, JournalLock> locks,
                                Set<String> running) {
        if (running.contains(migrationId)) {
            return false;
        }
        if (!locks.containsKey(migrationId)) {
            try {
                locks.put(migrationId, journal.lock(migrationId));
            } catch (JournalLockedException e) {
                running.add(migrationId);
                return false;
            }
        }
        return true;
    }

    /** Whether the journal records {@code resourceId} as created by its migration. */
    private static boolean names(List<JournalEntry> entries, String resourceId) {
        return entries.stream().anyMatch(e -> e.type() == JournalEntry.Type.RESOURCE_CREATED
                && resourceId.equals(e.data().get("id")));
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

    private static Found found(String type, String id, List<Tag> tags, String attachedTo) {
        Map<String, String> m = Ec2Resources.tagMap(tags);
        return new Found(new Resource(type, id, m.getOrDefault(Tags.ROLE, "?")), m.get(Tags.MIGRATION_ID),
                attachedTo);
    }

    private record Found(Resource resource, String migrationId, String attachedTo) {
    }
}
