package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.AwsTimeouts;
import io.pv2hvm.aws.Tags;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.StepContext;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStatus;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttachment;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The EC2 operations the steps share: find, wait for and delete the resources a migration
 * creates, and tag them. Every call goes through {@link AwsCalls}.
 */
public final class Ec2Resources {
    private final Ec2Client ec2;
    private final AwsCalls calls;
    private final AwsTimeouts timeouts;
    private final Waits waits;
    private final SharedPolls polls;

    private final FleetReads reads;

    /** Operations on {@code ec2}, counted by {@code calls}, waiting per {@code timeouts}, polling on their own. */
    public Ec2Resources(Ec2Client ec2, AwsCalls calls, AwsTimeouts timeouts) {
        this(ec2, calls, timeouts, new SharedPolls(ec2, timeouts.poll()));
    }

    /**
     * Operations whose waits look through {@code polls}, the poll rounds this migration shares
     * with the others of its fleet (on the same account's {@code ec2}).
     */
    public Ec2Resources(Ec2Client ec2, AwsCalls calls, AwsTimeouts timeouts, SharedPolls polls) {
        this(ec2, calls, timeouts, polls, new FleetReads());
    }

    /** Operations sharing a fleet's poll rounds and its reads of what does not change ({@code reads}). */
    public Ec2Resources(Ec2Client ec2, AwsCalls calls, AwsTimeouts timeouts, SharedPolls polls, FleetReads reads) {
        this.ec2 = ec2;
        this.calls = calls;
        this.timeouts = timeouts;
        this.waits = new Waits(timeouts.poll());
        this.polls = polls;
        this.reads = reads;
    }

    /** The reads this migration shares with its fleet. */
    public FleetReads reads() {
        return reads;
    }

    /** The poll rounds this migration's waits share. */
    public SharedPolls polls() {
        return polls;
    }

    /** Inside a wait: what the shared round says about {@code id}; outside one: empty, call on your own. */
    private <T> Optional<Optional<T>> shared(SharedDescribe<T> kind, String id) {
        return WaitScope.current().map(scope -> scope.look(kind, id, calls));
    }

    public Ec2Client ec2() {
        return ec2;
    }

    public AwsCalls calls() {
        return calls;
    }

    public AwsTimeouts timeouts() {
        return timeouts;
    }

    public Waits waits() {
        return waits;
    }

    /**
     * The migration this run began with its first step (preflight) in this process, if any:
     * nothing tagged with its id existed before, and every tag of it is made by {@link #tags}, so a
     * role never tagged in this run has no resource to look for.
     */
    private volatile String startedHere;
    /** Roles {@link #tags} has made tags for in this run: only these can have resources. */
    private final java.util.Set<String> rolesTagged = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Says that this run of {@code migrationId} begins with its first step (preflight, which
     * creates nothing), in this process: until a role is tagged ({@link #tags}), looking for this
     * migration's resources in that role needs no call. A resumed run never says it, so it looks.
     */
    public void startedFromFirstStep(String migrationId) {
        this.startedHere = migrationId;
    }

    /**
     * Whether {@code migrationId} may have a resource tagged {@code role}: unknown (so look) unless
     * this run began at its first step in this process and never made that role's tags. A create
     * whose answer was lost still made its tags first, so its retry looks and finds it.
     */
    public boolean mayHave(String migrationId, String role) {
        return !migrationId.equals(startedHere) || rolesTagged.contains(role);
    }

    /**
     * Tags for a resource created by this migration in {@code role}. Every resource a migration
     * tags gets its tags here (look-before-create relies on it: see {@link #startedFromFirstStep}).
     */
    public TagSpecification tags(StepContext ctx, ResourceType type, String role) {
        rolesTagged.add(role);
        return TagSpecification.builder().resourceType(type).tags(
                Tag.builder().key(Tags.MIGRATION_ID).value(ctx.migrationId()).build(),
                Tag.builder().key(Tags.ROLE).value(role).build(),
                Tag.builder().key("Name").value("pv2hvm " + role + " " + ctx.spec().instanceId()).build()).build();
    }

    /** Filters that find this migration's resources in {@code role}. */
    public static List<Filter> taggedFilters(String migrationId, String role) {
        return List.of(Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(migrationId).build(),
                Filter.builder().name("tag:" + Tags.ROLE).values(role).build());
    }

    // ----- instances

    public Optional<Instance> instance(String id) {
        Optional<Optional<Instance>> shared = shared(polls.instances(), id);
        if (shared.isPresent()) {
            return shared.get();
        }
        try {
            return calls.call("DescribeInstances", () -> ec2.describeInstances(r -> r.instanceIds(id)))
                    .reservations().stream().flatMap(r -> r.instances().stream()).findFirst();
        } catch (AwsCallException e) {
            if ("InvalidInstanceID.NotFound".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * How long a resource this migration knows exists may still answer NotFound before it counts
     * as gone: a fifth of the instance-state timeout (3 minutes on AWS). EC2 is eventually
     * consistent: an id a create call just returned may be NotFound for a while, and "this does
     * not mean the instance does not exist", even after TerminateInstances it "could still be
     * running"; AWS advises describing with backoff up to a few minutes
     * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html). Past that, NotFound
     * means gone: EC2 lists terminated instances for about an hour only.
     */
    public java.time.Duration visibility() {
        return timeouts.instanceState().dividedBy(5);
    }

    /**
     * The state of an instance this migration created or read before. NotFound is waited out
     * for {@link #visibility()} (eventual consistency, never "gone" at first sight), then reads as
     * {@code terminated}.
     */
    public String instanceState(StepContext ctx, String id) {
        return waits.within(ctx, visibility(), () -> instance(id).map(Responses::stateName)).orElse("terminated");
    }

    /**
     * An instance this migration created or read before, waiting out NotFound for
     * {@link #visibility()}.
     *
     * @throws AwsCallException (retryable) when it is still not visible then
     */
    public Instance visibleInstance(StepContext ctx, String id) {
        return waits.within(ctx, visibility(), () -> instance(id)).orElseThrow(() -> new AwsCallException(
                "DescribeInstances", "InvalidInstanceID.NotFound", "Instance " + id + " is still not visible to"
                + " DescribeInstances after " + visibility() + " (EC2 is eventually consistent); resume to look again.",
                null, true));
    }

    public Instance waitInstance(StepContext ctx, String id, String state) {
        if ("terminated".equals(state)) {
            // A terminated instance eventually disappears from DescribeInstances: gone (past the
            // visibility grace, never a first NotFound) counts as terminated.
            waits.untilTrue(ctx, "instance " + id + " to be terminated", timeouts.instanceState(),
                    () -> "terminated".equals(instanceState(ctx, id)));
            return null;
        }
        return waits.until(ctx, "instance " + id + " to be " + state, timeouts.instanceState(),
                () -> instance(id).filter(i -> state.equals(Responses.stateName(i))));
    }

    /** Waits until no network interface in {@code subnetId} holds {@code privateIp}. */
    public void waitIpFree(StepContext ctx, String subnetId, String privateIp) {
        waits.untilTrue(ctx, "private IP " + privateIp + " to be released", timeouts.ipRelease(), () ->
                calls.call("DescribeNetworkInterfaces", () -> ec2.describeNetworkInterfaces(r -> r.filters(
                        Filter.builder().name("addresses.private-ip-address").values(privateIp).build(),
                        Filter.builder().name("subnet-id").values(subnetId).build()))).networkInterfaces().isEmpty());
    }

    /** Tagged, non-terminated instances of this migration in {@code role}. */
    public List<Instance> taggedInstances(String migrationId, String role) {
        if (!mayHave(migrationId, role)) {
            return List.of();
        }
        return calls.call("DescribeInstances", () -> ec2.describeInstances(r -> r.filters(taggedFilters(migrationId,
                role)))).reservations().stream().flatMap(r -> r.instances().stream())
                .filter(i -> !"terminated".equals(Responses.stateName(i))
                        && !"shutting-down".equals(Responses.stateName(i))).toList();
    }

    /**
     * This migration's non-terminated instances in any of {@code roles}, by role: one call for all
     * roles (a filter's values are alternatives), where {@link #taggedInstances(String, String)}
     * makes one per role.
     */
    public Map<String, List<Instance>> taggedInstances(String migrationId, java.util.Collection<String> roles) {
        return byRole(calls.call("DescribeInstances", () -> ec2.describeInstances(r -> r.filters(taggedFilters(
                migrationId, roles)))).reservations().stream().flatMap(r -> r.instances().stream())
                .filter(i -> !"terminated".equals(Responses.stateName(i))
                        && !"shutting-down".equals(Responses.stateName(i))).toList(), Instance::tags);
    }

    /** Filters that find this migration's resources in any of {@code roles}. */
    private static List<Filter> taggedFilters(String migrationId, java.util.Collection<String> roles) {
        return List.of(Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(migrationId).build(),
                Filter.builder().name("tag:" + Tags.ROLE).values(roles).build());
    }

    /** {@code found} grouped by the value of its role tag. */
    private static <T> Map<String, List<T>> byRole(List<T> found, java.util.function.Function<T, List<Tag>> tags) {
        Map<String, List<T>> byRole = new java.util.LinkedHashMap<>();
        for (T item : found) {
            String role = tagMap(tags.apply(item)).get(Tags.ROLE);
            byRole.computeIfAbsent(role, k -> new java.util.ArrayList<>()).add(item);
        }
        return byRole;
    }

    /** Starts terminating an instance (if it still exists) without waiting. */
    public void terminate(StepContext ctx, String id) {
        String state = instanceState(ctx, id);
        if (!"terminated".equals(state) && !"shutting-down".equals(state)) {
            calls.call("TerminateInstances", () -> ec2.terminateInstances(r -> r.instanceIds(id)));
        }
    }

    /** Terminates an instance (if it still exists) and waits until it is gone. */
    public void terminateAndWait(StepContext ctx, String id, String role) {
        if (!"terminated".equals(instanceState(ctx, id))) {
            calls.call("TerminateInstances", () -> ec2.terminateInstances(r -> r.instanceIds(id)));
            waitInstance(ctx, id, "terminated");
        }
        ctx.resourceDeleted(new Resource("instance", id, role));
    }

    /**
     * Waits until both status checks of an instance pass. EC2 runs the checks once a minute
     * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-system-instance-status-check.html),
     * so looking more often than every few poll intervals only spends API calls.
     */
    public void waitStatusOk(StepContext ctx, String id) {
        String label = label(ctx, id);
        waits.slower(3).untilTrue(ctx, "status checks of " + id + " to pass", timeouts.statusChecks(), () -> {
            int passed = statusChecksOk(id);
            ctx.waitingFor(label + " status checks " + passed + "/2");
            return passed == 2;
        });
    }

    /** The id with the role this migration journaled it under, e.g. "trial i-0abc", for progress text. */
    private static String label(StepContext ctx, String id) {
        return ctx.resources().stream().filter(r -> r.id().equals(id)).map(r -> r.role() + " " + id)
                .reduce((first, later) -> later).orElse("instance " + id);
    }

    /**
     * Whether EC2's instance reachability check passes now: EC2 reaches the guest's network
     * stack (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-system-instance-status-check.html).
     */
    public boolean reachable(String id) {
        return instanceStatuses(id).stream().anyMatch(s -> s.instanceStatus() != null
                && s.instanceStatus().details().stream().anyMatch(d -> "reachability".equals(d.nameAsString())
                        && "passed".equals(d.statusAsString())));
    }

    /** Whether both status checks of an instance pass now. */
    public boolean statusOk(String id) {
        return statusChecksOk(id) == 2;
    }

    /** How many of the instance's two status checks (system, instance) are ok now: 0 to 2. */
    private int statusChecksOk(String id) {
        return instanceStatuses(id).stream().mapToInt(s ->
                (s.instanceStatus() != null && "ok".equals(s.instanceStatus().statusAsString()) ? 1 : 0)
                        + (s.systemStatus() != null && "ok".equals(s.systemStatus().statusAsString()) ? 1 : 0))
                .max().orElse(0);
    }

    /** The status of an instance (inside a wait: from the shared round; not yet visible: none). */
    private List<InstanceStatus> instanceStatuses(String id) {
        return shared(polls.statuses(), id).map(s -> s.map(List::of).orElse(List.<InstanceStatus>of()))
                .orElseGet(() -> calls.call("DescribeInstanceStatus", () -> ec2.describeInstanceStatus(r -> r
                        .instanceIds(id).includeAllInstances(true))).instanceStatuses());
    }

    // ----- snapshots

    public Optional<Snapshot> snapshot(String id) {
        Optional<Optional<Snapshot>> shared = shared(polls.snapshots(), id);
        if (shared.isPresent()) {
            return shared.get();
        }
        try {
            return calls.call("DescribeSnapshots", () -> ec2.describeSnapshots(r -> r.snapshotIds(id)))
                    .snapshots().stream().findFirst();
        } catch (AwsCallException e) {
            if ("InvalidSnapshot.NotFound".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Creates a tagged snapshot, journals it, and waits for it to complete, reporting progress. */
    public String snapshotAndWait(StepContext ctx, String volumeId, String role, String description) {
        String id = startSnapshot(ctx, volumeId, role, description);
        waitSnapshot(ctx, id, volumeId);
        return id;
    }

    /**
     * Creates a tagged snapshot (once) and journals it without waiting: EBS captures the data at
     * the call, so later steps can run while it completes and wait only when they need it.
     */
    public String startSnapshot(StepContext ctx, String volumeId, String role, String description) {
        return ctx.fact(FactKeys.snapshot(role)).orElseGet(() -> createSnapshot(ctx, volumeId, role, description));
    }

    /** Waits for a snapshot to complete, reporting progress; an {@code error} state fails. */
    public void waitSnapshot(StepContext ctx, String id, String volumeId) {
        waits.until(ctx, "snapshot " + id + " of " + volumeId + " to complete", timeouts.snapshot(), () -> {
            Snapshot s = snapshot(id).orElse(null);
            if (s == null) {
                return Optional.empty(); // not yet visible: eventual consistency
            }
            if ("error".equals(s.stateAsString())) {
                throw new AwsCallException("CreateSnapshot", "SnapshotError", "Snapshot " + id + " of " + volumeId
                        + " failed: " + s.stateMessage(), null, false);
            }
            double percent = parsePercent(s.progress());
            // The progress EC2 itself reports in DescribeSnapshots, e.g. "63%".
            ctx.progress(percent, "snapshot " + id + " " + Math.round(percent) + "%");
            return "completed".equals(s.stateAsString()) ? Optional.of(s) : Optional.empty();
        });
    }

    private String createSnapshot(StepContext ctx, String volumeId, String role, String description) {
        // CreateSnapshot takes no client token: look before create (by tag), then journal at once.
        List<Snapshot> tagged = !mayHave(ctx.migrationId(), role) ? List.of() : calls.call("DescribeSnapshots", () -> ec2.describeSnapshots(r -> r.ownerIds("self")
                .filters(taggedFilters(ctx.migrationId(), role)))).snapshots();
        String id = tagged.isEmpty()
                ? calls.call("CreateSnapshot", () -> ec2.createSnapshot(r -> r.volumeId(volumeId)
                        .description(description).tagSpecifications(tags(ctx, ResourceType.SNAPSHOT, role))))
                        .snapshotId()
                : Responses.require(tagged.get(0).snapshotId(), "DescribeSnapshots", "Snapshots.SnapshotId", role);
        ctx.resourceCreated(new Resource("snapshot", id, role));
        ctx.putFact(FactKeys.snapshot(role), id);
        return id;
    }

    public void deleteSnapshot(StepContext ctx, String id, String role) {
        try {
            calls.call("DeleteSnapshot", () -> ec2.deleteSnapshot(r -> r.snapshotId(id)));
        } catch (AwsCallException e) {
            if (!"InvalidSnapshot.NotFound".equals(e.errorCode())) {
                throw e;
            }
            // Just created and not yet visible, or gone: only a NotFound that lasts means gone.
            if (waits.within(ctx, visibility(), () -> snapshot(id)).isPresent()) {
                calls.call("DeleteSnapshot", () -> ec2.deleteSnapshot(r -> r.snapshotId(id)));
            }
        }
        ctx.resourceDeleted(new Resource("snapshot", id, role));
    }

    // ----- volumes

    public Optional<Volume> volume(String id) {
        Optional<Optional<Volume>> shared = shared(polls.volumes(), id);
        if (shared.isPresent()) {
            return shared.get();
        }
        try {
            return calls.call("DescribeVolumes", () -> ec2.describeVolumes(r -> r.volumeIds(id))).volumes().stream()
                    .findFirst();
        } catch (AwsCallException e) {
            if ("InvalidVolume.NotFound".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Waits until the volume is in one of {@code states}. */
    public Volume waitVolume(StepContext ctx, String id, String... states) {
        List<String> wanted = List.of(states);
        return waits.until(ctx, "volume " + id + " to be " + String.join(" or ", wanted), timeouts.volume(),
                () -> volume(id).filter(v -> wanted.contains(v.stateAsString())));
    }

    /**
     * Waits until the volume's attachment to {@code instanceId} is complete, and keeps what the
     * wait saw ({@link #attachmentSeen}).
     *
     * @return the attachment EC2 reported as complete (its device name included)
     */
    public VolumeAttachment waitAttached(StepContext ctx, String volumeId, String instanceId) {
        VolumeAttachment seen = waits.until(ctx, "volume " + volumeId + " to be attached to " + instanceId,
                timeouts.volume(), () -> volume(volumeId).flatMap(v -> v.attachments().stream().filter(a ->
                        instanceId.equals(a.instanceId()) && "attached".equals(a.stateAsString())).findFirst()));
        attachmentsSeen.put(volumeId, seen);
        return seen;
    }

    /**
     * The complete attachment of {@code volumeId} to {@code instanceId} a wait of this run saw,
     * if no detach of it went through here since: a later step that needs the volume's device name
     * reads it here instead of describing the volume again. An attachment's device name does not
     * change while it lasts (a stop and start of the instance keeps it), and every detach this
     * migration makes goes through {@link #detach} or {@link #detachAndWait}, which forget it.
     * Kept in memory only: a resumed run describes the volume again.
     */
    public Optional<VolumeAttachment> attachmentSeen(String volumeId, String instanceId) {
        return Optional.ofNullable(attachmentsSeen.get(volumeId)).filter(a -> instanceId.equals(a.instanceId()));
    }

    /** Complete attachments {@link #waitAttached} saw, by volume, until a detach forgets them. */
    private final Map<String, VolumeAttachment> attachmentsSeen = new java.util.concurrent.ConcurrentHashMap<>();

    /** This migration's volumes in {@code role}, found by tag (also those a crash left unjournaled). */
    public List<String> taggedVolumes(String migrationId, String role) {
        if (!mayHave(migrationId, role)) {
            return List.of();
        }
        return calls.call("DescribeVolumes", () -> ec2.describeVolumes(r -> r.filters(taggedFilters(migrationId, role))))
                .volumes().stream().map(Volume::volumeId).toList();
    }

    /** This migration's volumes in any of {@code roles}, by role: one call for all roles. */
    public Map<String, List<String>> taggedVolumes(String migrationId, java.util.Collection<String> roles) {
        return ids(byRole(calls.call("DescribeVolumes", () -> ec2.describeVolumes(r -> r.filters(taggedFilters(
                migrationId, roles)))).volumes(), Volume::tags), Volume::volumeId);
    }

    /** This migration's snapshots in any of {@code roles}, by role: one call for all roles. */
    public Map<String, List<String>> taggedSnapshots(String migrationId, java.util.Collection<String> roles) {
        return ids(byRole(calls.call("DescribeSnapshots", () -> ec2.describeSnapshots(r -> r.ownerIds("self")
                .filters(taggedFilters(migrationId, roles)))).snapshots(), Snapshot::tags), Snapshot::snapshotId);
    }

    /** This migration's images in any of {@code roles}, by role: one call for all roles. */
    public Map<String, List<String>> taggedImages(String migrationId, java.util.Collection<String> roles) {
        return ids(byRole(calls.call("DescribeImages", () -> ec2.describeImages(r -> r.owners("self")
                .filters(taggedFilters(migrationId, roles)))).images(), Image::tags), Image::imageId);
    }

    private static <T> Map<String, List<String>> ids(Map<String, List<T>> byRole, java.util.function.Function<T, String> id) {
        Map<String, List<String>> ids = new java.util.LinkedHashMap<>();
        byRole.forEach((role, items) -> ids.put(role, items.stream().map(id).toList()));
        return ids;
    }

    /** This migration's snapshots in {@code role}, found by tag. */
    public List<String> taggedSnapshots(String migrationId, String role) {
        if (!mayHave(migrationId, role)) {
            return List.of();
        }
        return calls.call("DescribeSnapshots", () -> ec2.describeSnapshots(r -> r.ownerIds("self")
                .filters(taggedFilters(migrationId, role)))).snapshots().stream().map(Snapshot::snapshotId).toList();
    }

    /**
     * Detaches a volume if attached, waits, and deletes it; gone volumes are fine. A volume this
     * migration just created may be NotFound for a while: only a NotFound lasting {@link #visibility()}
     * means gone.
     */
    public void detachAndDelete(StepContext ctx, String id, String role) {
        detachAndDelete(ctx, id, role, visibility());
    }

    /**
     * {@link #detachAndDelete(StepContext, String, String)} of a volume a describe has just listed:
     * it was visible, so a NotFound now means it is gone (deleted with its instance).
     */
    public void detachAndDeleteListed(StepContext ctx, String id, String role) {
        detachAndDelete(ctx, id, role, java.time.Duration.ZERO);
    }

    private void detachAndDelete(StepContext ctx, String id, String role, java.time.Duration grace) {
        Optional<Volume> v = waits.within(ctx, grace, () -> volume(id));
        if (v.isEmpty()) {
            ctx.resourceDeleted(new Resource("volume", id, role));
            return;
        }
        if (!v.get().attachments().isEmpty()) {
            detachAndWait(ctx, id, v); // just described: no second describe
        }
        // A describe may be briefly stale (no attachment shown yet): VolumeInUse means detach first, then again.
        waits.untilTrue(ctx, "volume " + id + " to be deleted", timeouts.volume(), () -> {
            try {
                calls.call("DeleteVolume", () -> ec2.deleteVolume(r -> r.volumeId(id)));
                return true;
            } catch (AwsCallException e) {
                if ("InvalidVolume.NotFound".equals(e.errorCode())) {
                    return true; // gone meanwhile (deleted with the instance it was attached to): the goal is reached
                }
                if (!"VolumeInUse".equals(e.errorCode())) {
                    throw e;
                }
                detach(id);
                return false;
            }
        });
        ctx.resourceDeleted(new Resource("volume", id, role));
    }

    /** Starts detaching a volume; one that is not attached (or gone) is fine. */
    private void detach(String id) {
        attachmentsSeen.remove(id);
        try {
            calls.call("DetachVolume", () -> ec2.detachVolume(r -> r.volumeId(id)));
        } catch (AwsCallException e) {
            if (!"InvalidVolume.NotFound".equals(e.errorCode()) && !"IncorrectState".equals(e.errorCode())) {
                throw e;
            }
        }
    }

    public void detachAndWait(StepContext ctx, String id) {
        detachAndWait(ctx, id, volume(id));
    }

    /**
     * {@link #detachAndWait(StepContext, String)} of a volume the caller has just described
     * ({@code described}: its answer, empty when not found), so it is not described twice in a row.
     */
    public void detachAndWait(StepContext ctx, String id, Optional<Volume> described) {
        attachmentsSeen.remove(id);
        Volume v = described.orElse(null);
        if (v == null || v.attachments().isEmpty()) {
            return;
        }
        try {
            calls.call("DetachVolume", () -> ec2.detachVolume(r -> r.volumeId(id)));
        } catch (AwsCallException e) {
            if ("InvalidVolume.NotFound".equals(e.errorCode())) {
                return;
            }
            if (!"IncorrectState".equals(e.errorCode())) {
                throw e;
            }
        }
        // Detached means no attachment as well as "available": a describe that first meets a change may
        // still show the state from before it (eventual consistency), and the state before the last
        // attach was "available" too, while the attachment (still detaching) is already listed.
        waits.untilTrue(ctx, "volume " + id + " to be detached", timeouts.volume(),
                () -> volume(id).map(vol -> "available".equals(vol.stateAsString()) && vol.attachments().isEmpty())
                        .orElse(true));
    }

    // ----- images

    public Optional<Image> image(String id) {
        Optional<Optional<Image>> shared = shared(polls.images(), id);
        if (shared.isPresent()) {
            return shared.get();
        }
        try {
            return calls.call("DescribeImages", () -> ec2.describeImages(r -> r.imageIds(id))).images().stream()
                    .findFirst();
        } catch (AwsCallException e) {
            if ("InvalidAMIID.NotFound".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Optional<Image> taggedImage(String migrationId, String role) {
        if (!mayHave(migrationId, role)) {
            return Optional.empty();
        }
        return calls.call("DescribeImages", () -> ec2.describeImages(r -> r.owners("self")
                .filters(taggedFilters(migrationId, role)))).images().stream().findFirst();
    }

    public void waitImage(StepContext ctx, String id) {
        waits.until(ctx, "image " + id + " to be available", timeouts.image(), () -> {
            Image img = image(id).orElse(null);
            if (img != null && "failed".equals(img.stateAsString())) {
                throw new AwsCallException("RegisterImage", "ImageFailed", "Image " + id + " failed: "
                        + (img.stateReason() == null ? "" : img.stateReason().message()), null, false);
            }
            return img != null && "available".equals(img.stateAsString()) ? Optional.of(img) : Optional.empty();
        });
    }

    /**
     * Waits until a describe shows image {@code id} registered: {@code pending} or {@code available}.
     * A new id may be NotFound for a while (eventual consistency), so that keeps waiting; an image
     * that is {@code failed}, {@code invalid} or {@code deregistered} was not registered and throws
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html, State).
     */
    public Image waitImageRegistered(StepContext ctx, String id) {
        return waits.until(ctx, "image " + id + " to be registered", timeouts.image(), () -> {
            Image img = image(id).orElse(null);
            if (img == null) {
                return Optional.empty();
            }
            String state = img.stateAsString();
            if ("pending".equals(state) || "available".equals(state)) {
                return Optional.of(img);
            }
            throw new AwsCallException("RegisterImage", "ImageNotRegistered", "Image " + id + " is " + state + ", not"
                    + " registered" + (img.stateReason() == null ? "" : ": " + img.stateReason().message()), null, false);
        });
    }

    /**
     * Waits until image {@code id} leaves {@code pending} and returns its state: {@code available},
     * or {@code failed}, {@code invalid}, {@code deregistered} (none of which EC2 launches).
     */
    public String waitImageSettled(StepContext ctx, String id) {
        return waits.until(ctx, "image " + id + " to be available or failed", timeouts.image(), () -> image(id)
                .map(Image::stateAsString).filter(state -> !"pending".equals(state)));
    }

    public void deregister(StepContext ctx, String id, String role) {
        try {
            calls.call("DeregisterImage", () -> ec2.deregisterImage(r -> r.imageId(id)));
        } catch (AwsCallException e) {
            if (!"InvalidAMIID.NotFound".equals(e.errorCode()) && !"InvalidAMIID.Unavailable".equals(e.errorCode())) {
                throw e;
            }
            // Just registered and not yet visible, or gone: only a NotFound that lasts means gone.
            if ("InvalidAMIID.NotFound".equals(e.errorCode())
                    && waits.within(ctx, visibility(), () -> image(id)).isPresent()) {
                calls.call("DeregisterImage", () -> ec2.deregisterImage(r -> r.imageId(id)));
            }
        }
        ctx.resourceDeleted(new Resource("image", id, role));
    }

    // ----- security groups

    /** This migration's security groups in {@code role}, found by tag. */
    public List<String> taggedSecurityGroups(String migrationId, String role) {
        if (!mayHave(migrationId, role)) {
            return List.of();
        }
        return calls.call("DescribeSecurityGroups", () -> ec2.describeSecurityGroups(r -> r.filters(
                taggedFilters(migrationId, role)))).securityGroups().stream().map(g -> g.groupId()).toList();
    }

    /**
     * Deletes a security group; gone is fine. EC2 refuses to delete a group an interface still
     * uses ({@code DependencyViolation}), and a terminated instance's interface is released a while
     * after {@code terminated}, so the refusal is waited out
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html).
     */
    public void deleteSecurityGroup(StepContext ctx, String id, String role) {
        waits.untilTrue(ctx, "security group " + id + " to be released by its instances", timeouts.ipRelease(), () -> {
            try {
                calls.call("DeleteSecurityGroup", () -> ec2.deleteSecurityGroup(r -> r.groupId(id)));
                return true;
            } catch (AwsCallException e) {
                if ("InvalidGroup.NotFound".equals(e.errorCode())) {
                    return true;
                }
                if ("DependencyViolation".equals(e.errorCode())) {
                    return false;
                }
                throw e;
            }
        });
        ctx.resourceDeleted(new Resource("security-group", id, role));
    }

    private static double parsePercent(String progress) {
        if (progress == null) {
            return 0;
        }
        try {
            return Double.parseDouble(progress.replace("%", "").strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Tag key/value pairs of an EC2 tag list. */
    public static Map<String, String> tagMap(List<Tag> tags) {
        return tags.stream().collect(java.util.stream.Collectors.toMap(Tag::key, Tag::value, (a, b) -> b,
                java.util.LinkedHashMap::new));
    }
}
