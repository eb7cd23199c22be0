package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.AwsTimeouts;
import io.pv2hvm.aws.Tags;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.StepContext;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ImageState;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.SnapshotState;
import software.amazon.awssdk.services.ec2.model.StatusType;
import software.amazon.awssdk.services.ec2.model.SummaryStatus;
import software.amazon.awssdk.services.ec2.model.VolumeAttachmentState;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import software.amazon.awssdk.services.ec2.model.AssociateAddressRequest;
import software.amazon.awssdk.services.ec2.model.AssociateAddressResponse;
import software.amazon.awssdk.services.ec2.model.AttachNetworkInterfaceRequest;
import software.amazon.awssdk.services.ec2.model.AttachNetworkInterfaceResponse;
import software.amazon.awssdk.services.ec2.model.AttachVolumeRequest;
import software.amazon.awssdk.services.ec2.model.AttachVolumeResponse;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupIngressRequest;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupIngressResponse;
import software.amazon.awssdk.services.ec2.model.CreateImageRequest;
import software.amazon.awssdk.services.ec2.model.CreateImageResponse;
import software.amazon.awssdk.services.ec2.model.CreateSecurityGroupRequest;
import software.amazon.awssdk.services.ec2.model.CreateSecurityGroupResponse;
import software.amazon.awssdk.services.ec2.model.CreateSnapshotRequest;
import software.amazon.awssdk.services.ec2.model.CreateSnapshotResponse;
import software.amazon.awssdk.services.ec2.model.CreateTagsRequest;
import software.amazon.awssdk.services.ec2.model.CreateTagsResponse;
import software.amazon.awssdk.services.ec2.model.CreateVolumeRequest;
import software.amazon.awssdk.services.ec2.model.CreateVolumeResponse;
import software.amazon.awssdk.services.ec2.model.DeleteSecurityGroupRequest;
import software.amazon.awssdk.services.ec2.model.DeleteSecurityGroupResponse;
import software.amazon.awssdk.services.ec2.model.DeleteSnapshotRequest;
import software.amazon.awssdk.services.ec2.model.DeleteSnapshotResponse;
import software.amazon.awssdk.services.ec2.model.DeleteVolumeRequest;
import software.amazon.awssdk.services.ec2.model.DeleteVolumeResponse;
import software.amazon.awssdk.services.ec2.model.DeregisterImageRequest;
import software.amazon.awssdk.services.ec2.model.DeregisterImageResponse;
import software.amazon.awssdk.services.ec2.model.DescribeAddressesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeAddressesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeImagesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeImagesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceAttributeRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceAttributeResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceStatusRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceStatusResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceTypesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceTypesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkInterfacesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkInterfacesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSnapshotsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSnapshotsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVolumeAttributeRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVolumeAttributeResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVolumesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVolumesResponse;
import software.amazon.awssdk.services.ec2.model.DetachNetworkInterfaceRequest;
import software.amazon.awssdk.services.ec2.model.DetachNetworkInterfaceResponse;
import software.amazon.awssdk.services.ec2.model.DetachVolumeRequest;
import software.amazon.awssdk.services.ec2.model.DetachVolumeResponse;
import software.amazon.awssdk.services.ec2.model.GetConsoleOutputRequest;
import software.amazon.awssdk.services.ec2.model.GetConsoleOutputResponse;
import software.amazon.awssdk.services.ec2.model.ModifyInstanceAttributeRequest;
import software.amazon.awssdk.services.ec2.model.ModifyInstanceAttributeResponse;
import software.amazon.awssdk.services.ec2.model.ModifyNetworkInterfaceAttributeRequest;
import software.amazon.awssdk.services.ec2.model.ModifyNetworkInterfaceAttributeResponse;
import software.amazon.awssdk.services.ec2.model.RegisterImageRequest;
import software.amazon.awssdk.services.ec2.model.RegisterImageResponse;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupEgressRequest;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupEgressResponse;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.RunInstancesResponse;
import software.amazon.awssdk.services.ec2.model.StartInstancesRequest;
import software.amazon.awssdk.services.ec2.model.StartInstancesResponse;
import software.amazon.awssdk.services.ec2.model.StopInstancesRequest;
import software.amazon.awssdk.services.ec2.model.StopInstancesResponse;
import software.amazon.awssdk.services.ec2.model.TerminateInstancesRequest;
import software.amazon.awssdk.services.ec2.model.TerminateInstancesResponse;
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
import java.util.function.Consumer;

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

    /**
     * The raw client. Steps should call the typed operations instead, which count, rate-limit and
     * translate every call; this stays public only until the steps have moved to them (issue #17),
     * then becomes package-private.
     */
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
                Tag.builder().key("Name").value("pv2hvm " + role + " " + ctx.options().instanceId()).build()).build();
    }

    /** Filters that find this migration's resources in {@code role}. */
    public static List<Filter> taggedFilters(String migrationId, String role) {
        return List.of(Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(migrationId).build(),
                Filter.builder().name("tag:" + Tags.ROLE).values(role).build());
    }

    // ----- typed operations: one per EC2 action, each counted, rate-limited and translated by AwsCalls

    /** Launches instances. */
    public RunInstancesResponse runInstances(Consumer<RunInstancesRequest.Builder> request) {
        return calls.call(Ec2Action.RUN_INSTANCES, () -> ec2.runInstances(request));
    }

    /** Starts stopped instances. */
    public StartInstancesResponse startInstances(Consumer<StartInstancesRequest.Builder> request) {
        return calls.call(Ec2Action.START_INSTANCES, () -> ec2.startInstances(request));
    }

    /** Stops instances. */
    public StopInstancesResponse stopInstances(Consumer<StopInstancesRequest.Builder> request) {
        return calls.call(Ec2Action.STOP_INSTANCES, () -> ec2.stopInstances(request));
    }

    /** Starts terminating instances (see {@link #terminate} and {@link #terminateAndWait} for the tolerant forms). */
    public TerminateInstancesResponse terminateInstances(Consumer<TerminateInstancesRequest.Builder> request) {
        return calls.call(Ec2Action.TERMINATE_INSTANCES, () -> ec2.terminateInstances(request));
    }

    /** Describes instances (see {@link #instance} for one, NotFound as empty). */
    public DescribeInstancesResponse describeInstances(Consumer<DescribeInstancesRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_INSTANCES, () -> ec2.describeInstances(request));
    }

    /** Reads one attribute of an instance. */
    public DescribeInstanceAttributeResponse describeInstanceAttribute(Consumer<DescribeInstanceAttributeRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_INSTANCE_ATTRIBUTE, () -> ec2.describeInstanceAttribute(request));
    }

    /** Changes one attribute of an instance. */
    public ModifyInstanceAttributeResponse modifyInstanceAttribute(Consumer<ModifyInstanceAttributeRequest.Builder> request) {
        return calls.call(Ec2Action.MODIFY_INSTANCE_ATTRIBUTE, () -> ec2.modifyInstanceAttribute(request));
    }

    /** Describes instance types. */
    public DescribeInstanceTypesResponse describeInstanceTypes(Consumer<DescribeInstanceTypesRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_INSTANCE_TYPES, () -> ec2.describeInstanceTypes(request));
    }

    /** Reads an instance's console output. */
    public GetConsoleOutputResponse getConsoleOutput(Consumer<GetConsoleOutputRequest.Builder> request) {
        return calls.call(Ec2Action.GET_CONSOLE_OUTPUT, () -> ec2.getConsoleOutput(request));
    }

    /** Creates a volume. */
    public CreateVolumeResponse createVolume(Consumer<CreateVolumeRequest.Builder> request) {
        return calls.call(Ec2Action.CREATE_VOLUME, () -> ec2.createVolume(request));
    }

    /** Attaches a volume to an instance. */
    public AttachVolumeResponse attachVolume(Consumer<AttachVolumeRequest.Builder> request) {
        return calls.call(Ec2Action.ATTACH_VOLUME, () -> ec2.attachVolume(request));
    }

    /** Starts detaching a volume (see {@link #detachAndWait} for the tolerant form). */
    public DetachVolumeResponse detachVolume(Consumer<DetachVolumeRequest.Builder> request) {
        return calls.call(Ec2Action.DETACH_VOLUME, () -> ec2.detachVolume(request));
    }

    /** Deletes a volume (see {@link #detachAndDelete} for the tolerant form). */
    public DeleteVolumeResponse deleteVolume(Consumer<DeleteVolumeRequest.Builder> request) {
        return calls.call(Ec2Action.DELETE_VOLUME, () -> ec2.deleteVolume(request));
    }

    /** Describes volumes (see {@link #volume} for one, NotFound as empty). */
    public DescribeVolumesResponse describeVolumes(Consumer<DescribeVolumesRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_VOLUMES, () -> ec2.describeVolumes(request));
    }

    /** Reads one attribute of a volume. */
    public DescribeVolumeAttributeResponse describeVolumeAttribute(Consumer<DescribeVolumeAttributeRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_VOLUME_ATTRIBUTE, () -> ec2.describeVolumeAttribute(request));
    }

    /** Creates a snapshot (see {@link #startSnapshot} for the journaled, look-before-create form). */
    public CreateSnapshotResponse createSnapshot(Consumer<CreateSnapshotRequest.Builder> request) {
        return calls.call(Ec2Action.CREATE_SNAPSHOT, () -> ec2.createSnapshot(request));
    }

    /** Deletes a snapshot (see {@link #deleteSnapshot(StepContext, String, String)} for the tolerant form). */
    public DeleteSnapshotResponse deleteSnapshot(Consumer<DeleteSnapshotRequest.Builder> request) {
        return calls.call(Ec2Action.DELETE_SNAPSHOT, () -> ec2.deleteSnapshot(request));
    }

    /** Describes snapshots (see {@link #snapshot} for one, NotFound as empty). */
    public DescribeSnapshotsResponse describeSnapshots(Consumer<DescribeSnapshotsRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_SNAPSHOTS, () -> ec2.describeSnapshots(request));
    }

    /** Registers an image. */
    public RegisterImageResponse registerImage(Consumer<RegisterImageRequest.Builder> request) {
        return calls.call(Ec2Action.REGISTER_IMAGE, () -> ec2.registerImage(request));
    }

    /** Creates an image of an instance. */
    public CreateImageResponse createImage(Consumer<CreateImageRequest.Builder> request) {
        return calls.call(Ec2Action.CREATE_IMAGE, () -> ec2.createImage(request));
    }

    /** Deregisters an image (see {@link #deregister} for the tolerant form). */
    public DeregisterImageResponse deregisterImage(Consumer<DeregisterImageRequest.Builder> request) {
        return calls.call(Ec2Action.DEREGISTER_IMAGE, () -> ec2.deregisterImage(request));
    }

    /** Describes images (see {@link #image} for one, NotFound as empty). */
    public DescribeImagesResponse describeImages(Consumer<DescribeImagesRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_IMAGES, () -> ec2.describeImages(request));
    }

    /** Describes network interfaces. */
    public DescribeNetworkInterfacesResponse describeNetworkInterfaces(Consumer<DescribeNetworkInterfacesRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_NETWORK_INTERFACES, () -> ec2.describeNetworkInterfaces(request));
    }

    /** Attaches a network interface to an instance. */
    public AttachNetworkInterfaceResponse attachNetworkInterface(Consumer<AttachNetworkInterfaceRequest.Builder> request) {
        return calls.call(Ec2Action.ATTACH_NETWORK_INTERFACE, () -> ec2.attachNetworkInterface(request));
    }

    /** Detaches a network interface. */
    public DetachNetworkInterfaceResponse detachNetworkInterface(Consumer<DetachNetworkInterfaceRequest.Builder> request) {
        return calls.call(Ec2Action.DETACH_NETWORK_INTERFACE, () -> ec2.detachNetworkInterface(request));
    }

    /** Changes one attribute of a network interface. */
    public ModifyNetworkInterfaceAttributeResponse modifyNetworkInterfaceAttribute(Consumer<ModifyNetworkInterfaceAttributeRequest.Builder> request) {
        return calls.call(Ec2Action.MODIFY_NETWORK_INTERFACE_ATTRIBUTE, () -> ec2.modifyNetworkInterfaceAttribute(request));
    }

    /** Creates a security group. */
    public CreateSecurityGroupResponse createSecurityGroup(Consumer<CreateSecurityGroupRequest.Builder> request) {
        return calls.call(Ec2Action.CREATE_SECURITY_GROUP, () -> ec2.createSecurityGroup(request));
    }

    /** Adds inbound rules to a security group. */
    public AuthorizeSecurityGroupIngressResponse authorizeSecurityGroupIngress(Consumer<AuthorizeSecurityGroupIngressRequest.Builder> request) {
        return calls.call(Ec2Action.AUTHORIZE_SECURITY_GROUP_INGRESS, () -> ec2.authorizeSecurityGroupIngress(request));
    }

    /** Removes outbound rules from a security group. */
    public RevokeSecurityGroupEgressResponse revokeSecurityGroupEgress(Consumer<RevokeSecurityGroupEgressRequest.Builder> request) {
        return calls.call(Ec2Action.REVOKE_SECURITY_GROUP_EGRESS, () -> ec2.revokeSecurityGroupEgress(request));
    }

    /** Deletes a security group (see {@link #deleteSecurityGroup(StepContext, String, String)} for the tolerant form). */
    public DeleteSecurityGroupResponse deleteSecurityGroup(Consumer<DeleteSecurityGroupRequest.Builder> request) {
        return calls.call(Ec2Action.DELETE_SECURITY_GROUP, () -> ec2.deleteSecurityGroup(request));
    }

    /** Describes security groups. */
    public DescribeSecurityGroupsResponse describeSecurityGroups(Consumer<DescribeSecurityGroupsRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_SECURITY_GROUPS, () -> ec2.describeSecurityGroups(request));
    }

    /** Tags resources. */
    public CreateTagsResponse createTags(Consumer<CreateTagsRequest.Builder> request) {
        return calls.call(Ec2Action.CREATE_TAGS, () -> ec2.createTags(request));
    }

    /** Describes subnets. */
    public DescribeSubnetsResponse describeSubnets(Consumer<DescribeSubnetsRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_SUBNETS, () -> ec2.describeSubnets(request));
    }

    /** Describes Elastic IP addresses. */
    public DescribeAddressesResponse describeAddresses(Consumer<DescribeAddressesRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_ADDRESSES, () -> ec2.describeAddresses(request));
    }

    /** Associates an Elastic IP address. */
    public AssociateAddressResponse associateAddress(Consumer<AssociateAddressRequest.Builder> request) {
        return calls.call(Ec2Action.ASSOCIATE_ADDRESS, () -> ec2.associateAddress(request));
    }

    /** Describes the status checks of instances. */
    public DescribeInstanceStatusResponse describeInstanceStatus(Consumer<DescribeInstanceStatusRequest.Builder> request) {
        return calls.call(Ec2Action.DESCRIBE_INSTANCE_STATUS, () -> ec2.describeInstanceStatus(request));
    }

    /** Launches instances with a request built beforehand (e.g. one that is also logged or retried). */
    public RunInstancesResponse runInstances(RunInstancesRequest request) {
        return calls.call(Ec2Action.RUN_INSTANCES, () -> ec2.runInstances(request));
    }

    // ----- instances

    public Optional<Instance> instance(String id) {
        Optional<Optional<Instance>> shared = shared(polls.instances(), id);
        if (shared.isPresent()) {
            return shared.get();
        }
        try {
            return calls.call(Ec2Action.DESCRIBE_INSTANCES, () -> ec2.describeInstances(r -> r.instanceIds(id)))
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
        return waits.within(ctx, visibility(), () -> instance(id).map(Responses::stateName))
                .orElse(InstanceStateName.TERMINATED.toString());
    }

    /**
     * {@link #instanceState} as the SDK's enum. A state EC2 adds after this SDK version reads as
     * {@link InstanceStateName#UNKNOWN_TO_SDK_VERSION}, which no wait takes for the state it waits for.
     */
    public InstanceStateName instanceStateName(StepContext ctx, String id) {
        return InstanceStateName.fromValue(instanceState(ctx, id));
    }

    /** The state of an instance a describe returned, as the SDK's enum. */
    private static InstanceStateName stateOf(Instance i) {
        return InstanceStateName.fromValue(Responses.stateName(i));
    }

    /** Whether an instance a describe returned is terminated or on its way there. */
    private static boolean goneOrGoing(Instance i) {
        InstanceStateName state = stateOf(i);
        return state == InstanceStateName.TERMINATED || state == InstanceStateName.SHUTTING_DOWN;
    }

    /**
     * An instance this migration created or read before, waiting out NotFound for
     * {@link #visibility()}.
     *
     * @throws AwsCallException (retryable) when it is still not visible then
     */
    public Instance visibleInstance(StepContext ctx, String id) {
        return waits.within(ctx, visibility(), () -> instance(id)).orElseThrow(() -> new AwsCallException(
                Ec2Action.DESCRIBE_INSTANCES.awsName(), "InvalidInstanceID.NotFound", "Instance " + id + " is still not visible to"
                + " " + Ec2Action.DESCRIBE_INSTANCES.awsName() + " after " + visibility() + " (EC2 is eventually consistent); resume to look again.",
                null, true));
    }

    /**
     * Waits until the instance is in {@code state}; returns it as last described ({@code null} for
     * {@link InstanceStateName#TERMINATED}: a terminated instance may be gone).
     */
    public Instance waitInstance(StepContext ctx, String id, InstanceStateName state) {
        if (state == InstanceStateName.TERMINATED) {
            // A terminated instance eventually disappears from DescribeInstances: gone (past the
            // visibility grace, never a first NotFound) counts as terminated.
            waits.untilTrue(ctx, "instance " + id + " to be terminated", timeouts.instanceState(),
                    () -> instanceStateName(ctx, id) == InstanceStateName.TERMINATED);
            return null;
        }
        return waits.until(ctx, "instance " + id + " to be " + state, timeouts.instanceState(),
                () -> instance(id).filter(i -> stateOf(i) == state));
    }

    /** Waits until no network interface in {@code subnetId} holds {@code privateIp}. */
    public void waitIpFree(StepContext ctx, String subnetId, String privateIp) {
        waits.untilTrue(ctx, "private IP " + privateIp + " to be released", timeouts.ipRelease(), () ->
                calls.call(Ec2Action.DESCRIBE_NETWORK_INTERFACES, () -> ec2.describeNetworkInterfaces(r -> r.filters(
                        Filter.builder().name("addresses.private-ip-address").values(privateIp).build(),
                        Filter.builder().name("subnet-id").values(subnetId).build()))).networkInterfaces().isEmpty());
    }

    /** Tagged, non-terminated instances of this migration in {@code role}. */
    public List<Instance> taggedInstances(String migrationId, String role) {
        if (!mayHave(migrationId, role)) {
            return List.of();
        }
        return calls.call(Ec2Action.DESCRIBE_INSTANCES, () -> ec2.describeInstances(r -> r.filters(taggedFilters(migrationId,
                role)))).reservations().stream().flatMap(r -> r.instances().stream())
                .filter(i -> !goneOrGoing(i)).toList();
    }

    /**
     * This migration's non-terminated instances in any of {@code roles}, by role: one call for all
     * roles (a filter's values are alternatives), where {@link #taggedInstances(String, String)}
     * makes one per role.
     */
    public Map<String, List<Instance>> taggedInstances(String migrationId, java.util.Collection<String> roles) {
        return byRole(calls.call(Ec2Action.DESCRIBE_INSTANCES, () -> ec2.describeInstances(r -> r.filters(taggedFilters(
                migrationId, roles)))).reservations().stream().flatMap(r -> r.instances().stream())
                .filter(i -> !goneOrGoing(i)).toList(), Instance::tags);
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
        InstanceStateName state = instanceStateName(ctx, id);
        if (state != InstanceStateName.TERMINATED && state != InstanceStateName.SHUTTING_DOWN) {
            calls.call(Ec2Action.TERMINATE_INSTANCES, () -> ec2.terminateInstances(r -> r.instanceIds(id)));
        }
    }

    /** Terminates an instance (if it still exists) and waits until it is gone. */
    public void terminateAndWait(StepContext ctx, String id, String role) {
        if (instanceStateName(ctx, id) != InstanceStateName.TERMINATED) {
            calls.call(Ec2Action.TERMINATE_INSTANCES, () -> ec2.terminateInstances(r -> r.instanceIds(id)));
            waitInstance(ctx, id, InstanceStateName.TERMINATED);
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
                        && d.status() == StatusType.PASSED));
    }

    /** Whether both status checks of an instance pass now. */
    public boolean statusOk(String id) {
        return statusChecksOk(id) == 2;
    }

    /** How many of the instance's two status checks (system, instance) are ok now: 0 to 2. */
    private int statusChecksOk(String id) {
        return instanceStatuses(id).stream().mapToInt(s ->
                (s.instanceStatus() != null && s.instanceStatus().status() == SummaryStatus.OK ? 1 : 0)
                        + (s.systemStatus() != null && s.systemStatus().status() == SummaryStatus.OK ? 1 : 0))
                .max().orElse(0);
    }

    /** The status of an instance (inside a wait: from the shared round; not yet visible: none). */
    private List<InstanceStatus> instanceStatuses(String id) {
        return shared(polls.statuses(), id).map(s -> s.map(List::of).orElse(List.<InstanceStatus>of()))
                .orElseGet(() -> calls.call(Ec2Action.DESCRIBE_INSTANCE_STATUS, () -> ec2.describeInstanceStatus(r -> r
                        .instanceIds(id).includeAllInstances(true))).instanceStatuses());
    }

    // ----- snapshots

    public Optional<Snapshot> snapshot(String id) {
        Optional<Optional<Snapshot>> shared = shared(polls.snapshots(), id);
        if (shared.isPresent()) {
            return shared.get();
        }
        try {
            return calls.call(Ec2Action.DESCRIBE_SNAPSHOTS, () -> ec2.describeSnapshots(r -> r.snapshotIds(id)))
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
        return ctx.find(AwsFacts.SNAPSHOT.of(role)).orElseGet(() -> createSnapshot(ctx, volumeId, role, description));
    }

    /** Waits for a snapshot to complete, reporting progress; an {@code error} state fails. */
    public void waitSnapshot(StepContext ctx, String id, String volumeId) {
        waits.until(ctx, "snapshot " + id + " of " + volumeId + " to complete", timeouts.snapshot(), () -> {
            Snapshot s = snapshot(id).orElse(null);
            if (s == null) {
                return Optional.empty(); // not yet visible: eventual consistency
            }
            if (s.state() == SnapshotState.ERROR) {
                throw new AwsCallException(Ec2Action.CREATE_SNAPSHOT.awsName(), "SnapshotError", "Snapshot " + id + " of " + volumeId
                        + " failed: " + s.stateMessage(), null, false);
            }
            double percent = parsePercent(s.progress());
            // The progress EC2 itself reports in DescribeSnapshots, e.g. "63%".
            ctx.progress(percent, "snapshot " + id + " " + Math.round(percent) + "%");
            return s.state() == SnapshotState.COMPLETED ? Optional.of(s) : Optional.empty();
        });
    }

    private String createSnapshot(StepContext ctx, String volumeId, String role, String description) {
        // CreateSnapshot takes no client token: look before create (by tag), then journal at once.
        List<Snapshot> tagged = !mayHave(ctx.migrationId(), role) ? List.of() : calls.call(Ec2Action.DESCRIBE_SNAPSHOTS, () -> ec2.describeSnapshots(r -> r.ownerIds("self")
                .filters(taggedFilters(ctx.migrationId(), role)))).snapshots();
        String id = tagged.isEmpty()
                ? calls.call(Ec2Action.CREATE_SNAPSHOT, () -> ec2.createSnapshot(r -> r.volumeId(volumeId)
                        .description(description).tagSpecifications(tags(ctx, ResourceType.SNAPSHOT, role))))
                        .snapshotId()
                : Responses.require(tagged.get(0).snapshotId(), Ec2Action.DESCRIBE_SNAPSHOTS, "Snapshots.SnapshotId", role);
        ctx.resourceCreated(new Resource("snapshot", id, role));
        ctx.put(AwsFacts.SNAPSHOT.of(role), id);
        return id;
    }

    public void deleteSnapshot(StepContext ctx, String id, String role) {
        try {
            calls.call(Ec2Action.DELETE_SNAPSHOT, () -> ec2.deleteSnapshot(r -> r.snapshotId(id)));
        } catch (AwsCallException e) {
            if (!"InvalidSnapshot.NotFound".equals(e.errorCode())) {
                throw e;
            }
            // Just created and not yet visible, or gone: only a NotFound that lasts means gone.
            if (waits.within(ctx, visibility(), () -> snapshot(id)).isPresent()) {
                calls.call(Ec2Action.DELETE_SNAPSHOT, () -> ec2.deleteSnapshot(r -> r.snapshotId(id)));
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
            return calls.call(Ec2Action.DESCRIBE_VOLUMES, () -> ec2.describeVolumes(r -> r.volumeIds(id))).volumes().stream()
                    .findFirst();
        } catch (AwsCallException e) {
            if ("InvalidVolume.NotFound".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Waits until the volume is in one of {@code states}. */
    public Volume waitVolume(StepContext ctx, String id, VolumeState... states) {
        List<VolumeState> wanted = List.of(states);
        String names = String.join(" or ", wanted.stream().map(VolumeState::toString).toList());
        return waits.until(ctx, "volume " + id + " to be " + names, timeouts.volume(),
                () -> volume(id).filter(v -> wanted.contains(v.state())));
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
                        instanceId.equals(a.instanceId()) && a.state() == VolumeAttachmentState.ATTACHED).findFirst()));
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
        return calls.call(Ec2Action.DESCRIBE_VOLUMES, () -> ec2.describeVolumes(r -> r.filters(taggedFilters(migrationId, role))))
                .volumes().stream().map(Volume::volumeId).toList();
    }

    /** This migration's volumes in any of {@code roles}, by role: one call for all roles. */
    public Map<String, List<String>> taggedVolumes(String migrationId, java.util.Collection<String> roles) {
        return ids(byRole(calls.call(Ec2Action.DESCRIBE_VOLUMES, () -> ec2.describeVolumes(r -> r.filters(taggedFilters(
                migrationId, roles)))).volumes(), Volume::tags), Volume::volumeId);
    }

    /** This migration's snapshots in any of {@code roles}, by role: one call for all roles. */
    public Map<String, List<String>> taggedSnapshots(String migrationId, java.util.Collection<String> roles) {
        return ids(byRole(calls.call(Ec2Action.DESCRIBE_SNAPSHOTS, () -> ec2.describeSnapshots(r -> r.ownerIds("self")
                .filters(taggedFilters(migrationId, roles)))).snapshots(), Snapshot::tags), Snapshot::snapshotId);
    }

    /** This migration's images in any of {@code roles}, by role: one call for all roles. */
    public Map<String, List<String>> taggedImages(String migrationId, java.util.Collection<String> roles) {
        return ids(byRole(calls.call(Ec2Action.DESCRIBE_IMAGES, () -> ec2.describeImages(r -> r.owners("self")
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
        return calls.call(Ec2Action.DESCRIBE_SNAPSHOTS, () -> ec2.describeSnapshots(r -> r.ownerIds("self")
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
                calls.call(Ec2Action.DELETE_VOLUME, () -> ec2.deleteVolume(r -> r.volumeId(id)));
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
            calls.call(Ec2Action.DETACH_VOLUME, () -> ec2.detachVolume(r -> r.volumeId(id)));
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
            calls.call(Ec2Action.DETACH_VOLUME, () -> ec2.detachVolume(r -> r.volumeId(id)));
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
                () -> volume(id).map(vol -> vol.state() == VolumeState.AVAILABLE && vol.attachments().isEmpty())
                        .orElse(true));
    }

    // ----- images

    public Optional<Image> image(String id) {
        Optional<Optional<Image>> shared = shared(polls.images(), id);
        if (shared.isPresent()) {
            return shared.get();
        }
        try {
            return calls.call(Ec2Action.DESCRIBE_IMAGES, () -> ec2.describeImages(r -> r.imageIds(id))).images().stream()
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
        return calls.call(Ec2Action.DESCRIBE_IMAGES, () -> ec2.describeImages(r -> r.owners("self")
                .filters(taggedFilters(migrationId, role)))).images().stream().findFirst();
    }

    public void waitImage(StepContext ctx, String id) {
        waits.until(ctx, "image " + id + " to be available", timeouts.image(), () -> {
            Image img = image(id).orElse(null);
            if (img != null && img.state() == ImageState.FAILED) {
                throw new AwsCallException(Ec2Action.REGISTER_IMAGE.awsName(), "ImageFailed", "Image " + id + " failed: "
                        + (img.stateReason() == null ? "" : img.stateReason().message()), null, false);
            }
            return img != null && img.state() == ImageState.AVAILABLE ? Optional.of(img) : Optional.empty();
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
            if (img.state() == ImageState.PENDING || img.state() == ImageState.AVAILABLE) {
                return Optional.of(img);
            }
            throw new AwsCallException(Ec2Action.REGISTER_IMAGE.awsName(), "ImageNotRegistered", "Image " + id + " is " + state + ", not"
                    + " registered" + (img.stateReason() == null ? "" : ": " + img.stateReason().message()), null, false);
        });
    }

    /**
     * Waits until image {@code id} leaves {@code pending} and returns its state: {@code available},
     * or {@code failed}, {@code invalid}, {@code deregistered} (none of which EC2 launches).
     */
    public String waitImageSettled(StepContext ctx, String id) {
        return waits.until(ctx, "image " + id + " to be available or failed", timeouts.image(), () -> image(id)
                .filter(img -> img.state() != ImageState.PENDING).map(Image::stateAsString));
    }

    public void deregister(StepContext ctx, String id, String role) {
        try {
            calls.call(Ec2Action.DEREGISTER_IMAGE, () -> ec2.deregisterImage(r -> r.imageId(id)));
        } catch (AwsCallException e) {
            if (!"InvalidAMIID.NotFound".equals(e.errorCode()) && !"InvalidAMIID.Unavailable".equals(e.errorCode())) {
                throw e;
            }
            // Just registered and not yet visible, or gone: only a NotFound that lasts means gone.
            if ("InvalidAMIID.NotFound".equals(e.errorCode())
                    && waits.within(ctx, visibility(), () -> image(id)).isPresent()) {
                calls.call(Ec2Action.DEREGISTER_IMAGE, () -> ec2.deregisterImage(r -> r.imageId(id)));
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
        return calls.call(Ec2Action.DESCRIBE_SECURITY_GROUPS, () -> ec2.describeSecurityGroups(r -> r.filters(
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
                calls.call(Ec2Action.DELETE_SECURITY_GROUP, () -> ec2.deleteSecurityGroup(r -> r.groupId(id)));
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
