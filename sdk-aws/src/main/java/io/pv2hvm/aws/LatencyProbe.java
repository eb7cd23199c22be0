package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsAction;
import io.pv2hvm.aws.internal.AwsCalls;
import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.SsmAction;
import io.pv2hvm.aws.internal.probe.ProbeCost;
import io.pv2hvm.aws.internal.probe.ProbePolls;
import io.pv2hvm.aws.internal.probe.ProbeSweep;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.MigrationException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ArchitectureValues;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageState;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SnapshotState;
import software.amazon.awssdk.services.ec2.model.StatusName;
import software.amazon.awssdk.services.ec2.model.StatusType;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.SummaryStatus;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VirtualizationType;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttachment;
import software.amazon.awssdk.services.ec2.model.VolumeAttachmentState;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;
import software.amazon.awssdk.services.ssm.model.PingStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Measures EC2's latencies in a real account, with small throwaway resources it creates, tags and
 * always deletes, and writes them as a latency model ({@link LatencyReport#toJson()}) that the
 * emulator and {@code pv2hvm bench migration --latencies} replay.
 *
 * <p>Each repetition launches two instances of the given type (default {@value #DEFAULT_INSTANCE_TYPE})
 * in the given subnet, from Canonical's Ubuntu 24.04 image (the SDK's default worker image, which
 * ships the SSM agent) or the image you name, creates a 1 GiB gp3 volume, two snapshots of it and
 * an image registered from one, and times: launch to running, running to status checks ok (and to
 * reachability, and to the SSM agent Online with an instance profile), an SSM command's round trip,
 * the volume's create, attach, detach and delete, the first and an incremental snapshot,
 * RegisterImage, stop, start, terminate of a running and of a stopped instance, and the private IP's
 * release after termination. Each wait polls with the SDK's own schedule, so every sample is late by
 * at most {@link AwsTimeouts#poll()}.
 *
 * <p>Safe on a production account: {@link #plan()} changes nothing and says what a run would
 * create, whether the credentials may (EC2 DryRun), and what it costs; {@link #run()} refuses to
 * start if a DryRun check failed. Every resource is tagged {@code pv2hvm:role=latency-probe},
 * {@value #RUN_TAG}{@code =<run id>} and {@code pv2hvm:migration-id=<run id>} (which pv2hvm's IAM
 * policy scopes creates and deletes to) on create, and only resources with the role tag are ever
 * deleted: the run's own in a {@code finally} (also after a failure, or after {@link #cancel} from a
 * shutdown hook on Ctrl-C), leftovers of crashed runs older than {@link #STALE_AFTER} at the start,
 * and all of them on {@link #cleanup()}. Calls take permits from {@link Ec2RateLimits} (EC2's
 * documented request-rate buckets, https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html).
 *
 * <pre>{@code
 * LatencyProbe probe = LatencyProbe.builder().ec2(ec2).ssm(ssm).subnet("subnet-0abc")
 *         .instanceProfile("pv2hvm-worker").repetitions(3).build();
 * System.out.println(probe.plan().toText());       // nothing created yet
 * LatencyReport report = probe.run();              // creates, measures, deletes
 * report.writeTo(Path.of("latencies-eu-west-1.json"));
 * }</pre>
 */
public final class LatencyProbe {
    /** The {@link Tags#ROLE} of everything the probe creates. */
    public static final String ROLE = "latency-probe";
    /** The tag naming the run that created a resource. */
    public static final String RUN_TAG = "pv2hvm:latency-run";
    /** The type launched unless another is named: a small Nitro type. */
    public static final String DEFAULT_INSTANCE_TYPE = "t3.micro";
    /** Leftovers of other runs older than this are deleted when a run starts; younger ones may belong to a run still going. */
    public static final Duration STALE_AFTER = Duration.ofHours(6);
    /** The most repetitions one run may make. */
    public static final int MAX_REPETITIONS = 20;

    private static final int VOLUME_GIB = 1;
    private static final String DEVICE = "/dev/sdf";

    private final Settings settings;
    private final Ec2Client ec2;
    private final SsmClient ssm;
    private final AwsCalls calls;
    private final ProbePolls polls;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final java.time.Clock clock;
    private volatile Thread runner;
    private volatile CountDownLatch cleanedUp = new CountDownLatch(0);

    /** What a run is set up with. */
    record Settings(String region, String runId, String subnetId, String instanceType, String imageId,
                    String imageParameter, int repetitions, String instanceProfile, AwsTimeouts timeouts,
                    double timeScale, Consumer<String> progress) {
    }

    /** What each transition times, and whether the model has a value for it; in measurement order. */
    private static final Map<String, String> WHAT = new LinkedHashMap<>();
    /**
     * The statuses of a command that ended without success (the probe's `true` never should).
     * Undeliverable, Terminated, InvalidPlatform and AccessDenied are StatusDetails, never a Status.
     */
    private static final Set<CommandInvocationStatus> COMMAND_ENDED_BADLY = java.util.EnumSet.of(
            CommandInvocationStatus.FAILED, CommandInvocationStatus.CANCELLED, CommandInvocationStatus.TIMED_OUT);
    private static final Set<String> NOT_IN_MODEL = Set.of("reachability", "ssmRoundTrip", "snapshotFirst",
            "instanceStarting");

    static {
        WHAT.put("instancePending", Ec2Action.RUN_INSTANCES.awsName() + " -> running");
        WHAT.put("statusChecks", "running seen -> both status checks ok");
        WHAT.put("reachability", "running seen -> reachability check passed (the downtime window's end without a health command)");
        WHAT.put("ssmAgentOnline", "running seen -> SSM agent Online");
        WHAT.put("ssmDispatch", SsmAction.SEND_COMMAND.awsName() + " -> InProgress");
        WHAT.put("ssmRun", "InProgress seen -> Success (the command `true`)");
        WHAT.put("ssmRoundTrip", SsmAction.SEND_COMMAND.awsName() + " -> Success");
        WHAT.put("volumeCreating", Ec2Action.CREATE_VOLUME.awsName() + " (1 GiB gp3) -> available");
        WHAT.put("volumeAttaching", Ec2Action.ATTACH_VOLUME.awsName() + " -> attached");
        WHAT.put("volumeDetaching", Ec2Action.DETACH_VOLUME.awsName() + " -> available");
        WHAT.put("snapshotFirst", Ec2Action.CREATE_SNAPSHOT.awsName() + " of the new, never written volume -> completed");
        WHAT.put("snapshotBase", Ec2Action.CREATE_SNAPSHOT.awsName() + " again, nothing changed -> completed (the fixed part)");
        WHAT.put("imageRegistration", Ec2Action.REGISTER_IMAGE.awsName() + " from that snapshot -> available");
        WHAT.put("volumeDeleting", Ec2Action.DELETE_VOLUME.awsName() + " -> gone");
        WHAT.put("instanceStopping", Ec2Action.STOP_INSTANCES.awsName() + " -> stopped");
        WHAT.put("instanceStarting", Ec2Action.START_INSTANCES.awsName() + " -> running (the model uses instancePending for both)");
        WHAT.put("instanceShuttingDown", Ec2Action.TERMINATE_INSTANCES.awsName() + " of a running instance -> terminated");
        WHAT.put("privateIpRelease", "terminated seen -> its private IP free in the subnet");
        WHAT.put("stoppedTermination", Ec2Action.TERMINATE_INSTANCES.awsName() + " of a stopped instance -> terminated");
    }

    private LatencyProbe(Builder b) {
        this.ec2 = b.ec2;
        this.ssm = b.ssm;
        this.clock = b.clock;
        String region = b.ec2.serviceClientConfiguration().region() == null ? "unknown"
                : b.ec2.serviceClientConfiguration().region().id();
        String runId = b.runId != null ? b.runId : "lat-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC).format(b.clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 6);
        this.settings = new Settings(region, runId, b.subnetId, b.instanceType, b.imageId, b.imageParameter,
                b.repetitions, b.instanceProfile, b.timeouts, b.timeScale, b.progress);
        this.calls = new AwsCalls(b.rateLimits);
        this.polls = new ProbePolls(b.timeouts.poll(), b.clock, b.sleeper);
    }

    /** A builder; {@code ec2} and {@code subnet} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The id every resource of this probe's runs is tagged with ({@value #RUN_TAG}). */
    public String runId() {
        return settings.runId();
    }

    /** The calls made so far, by this probe's plans, runs and sweeps. */
    public long calls() {
        return calls.total();
    }

    /**
     * The dry run: checks the subnet, image and instance type with read-only calls, and each create
     * the run would make with EC2 DryRun. Creates, changes and deletes nothing.
     *
     * @throws InvalidSpecException when the subnet, image or type does not exist in the region
     */
    public LatencyProbePlan plan() {
        Subnet subnet = subnet();
        Image image = image();
        int rootGiB = image.blockDeviceMappings().stream().filter(m -> m.ebs() != null && m.ebs().volumeSize() != null
                && Objects.equals(m.deviceName(), image.rootDeviceName())).mapToInt(m -> m.ebs().volumeSize())
                .findFirst().orElse(8);
        try {
            calls.call(Ec2Action.DESCRIBE_INSTANCE_TYPES, () -> ec2.describeInstanceTypes(r -> r.instanceTypesWithStrings(
                    settings.instanceType())));
        } catch (AwsCallException e) {
            throw new InvalidSpecException("Instance type " + settings.instanceType() + " is not offered in "
                    + settings.region() + " (" + e.errorCode() + "). Pass another with --instance-type, e.g. "
                    + DEFAULT_INSTANCE_TYPE + ".");
        }
        Map<String, String> permissions = new LinkedHashMap<>();
        List<String> refusals = new ArrayList<>();
        dryRun(Ec2Action.RUN_INSTANCES, permissions, refusals, () -> ec2.runInstances(r -> launchRequest(r, image.imageId(), true)
                .dryRun(true)));
        dryRun(Ec2Action.CREATE_VOLUME, permissions, refusals, () -> ec2.createVolume(r -> r.availabilityZone(
                subnet.availabilityZone()).size(VOLUME_GIB).volumeType("gp3").tagSpecifications(tags(ResourceType.VOLUME))
                .dryRun(true)));
        for (Ec2Action later : List.of(Ec2Action.ATTACH_VOLUME, Ec2Action.DETACH_VOLUME, Ec2Action.CREATE_SNAPSHOT,
                Ec2Action.REGISTER_IMAGE, Ec2Action.DEREGISTER_IMAGE, Ec2Action.DELETE_SNAPSHOT, Ec2Action.DELETE_VOLUME,
                Ec2Action.STOP_INSTANCES, Ec2Action.START_INSTANCES, Ec2Action.TERMINATE_INSTANCES)) {
            permissions.put(later.awsName(), "checked at first use (its DryRun needs a resource the run creates); a refusal"
                    + " there still deletes everything");
        }
        if (settings.instanceProfile() != null) {
            permissions.put(Stream.of(SsmAction.SEND_COMMAND, SsmAction.GET_COMMAND_INVOCATION,
                            SsmAction.DESCRIBE_INSTANCE_INFORMATION).map(AwsAction::iamAction)
                            .collect(Collectors.joining(", ")) + ", iam:PassRole",
                    "checked at first use (SSM has no DryRun)");
        }
        List<String> creates = new ArrayList<>(List.of(
                "2 instances (" + settings.instanceType() + ", " + rootGiB + " GiB root, deleted on termination): one"
                        + " run, stopped, started and terminated; one stopped and terminated",
                "1 volume (" + VOLUME_GIB + " GiB gp3), attached to the first instance, detached, deleted",
                "2 snapshots of that volume, deleted",
                "1 image registered from the second snapshot, deregistered"));
        if (settings.instanceProfile() != null) {
            creates.add("1 SSM command (`true`) on the first instance, with instance profile " + settings.instanceProfile());
        }
        String cost = ProbeCost.estimate(settings.region(), settings.instanceType(), settings.repetitions(), 2, rootGiB,
                VOLUME_GIB);
        return new LatencyProbePlan(settings, subnet.availabilityZone(), image.imageId(), rootGiB, creates, permissions,
                refusals, cost);
    }

    /**
     * Measures every transition {@code repetitions} times and deletes everything it created, also when
     * it fails or is cancelled.
     *
     * @throws InvalidSpecException when {@link #plan()} finds a bad setting or a DryRun check fails (nothing created)
     * @throws MigrationException   when a call or wait fails mid-run (after deleting what it created;
     *                              the message lists anything that could not be deleted)
     */
    public LatencyReport run() {
        LatencyProbePlan plan = plan();
        if (!plan.refusals().isEmpty()) {
            throw new InvalidSpecException("The latency probe would be refused " + String.join(", ", plan.refusals())
                    + " (EC2 DryRun); nothing was created. Grant them and run again.");
        }
        cleanedUp = new CountDownLatch(1);
        runner = Thread.currentThread();
        Instant measuredAt = clock.instant();
        Map<String, List<Duration>> samples = new LinkedHashMap<>();
        WHAT.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
        RuntimeException failure = null;
        List<String> leftovers = List.of();
        try {
            List<String> stale = sweep().delete(Set.of(), RUN_TAG, null,
                    t -> t != null && t.isBefore(clock.instant().minus(STALE_AFTER)));
            if (!stale.isEmpty()) {
                say("deleted leftovers of earlier runs (older than " + STALE_AFTER.toHours() + " h): " + stale);
            }
            for (int rep = 1; rep <= settings.repetitions(); rep++) {
                say("repetition " + rep + "/" + settings.repetitions());
                repetition(rep, plan, samples);
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            runner = null;
            try {
                ProbeSweep sweep = sweep();
                sweep.delete(Set.copyOf(created), RUN_TAG, settings.runId(), t -> true);
                leftovers = sweep.failures();
                created.clear();
            } finally {
                cleanedUp.countDown();
            }
        }
        if (failure != null || !leftovers.isEmpty()) {
            throw new MigrationException("The latency probe " + (failure != null ? "failed: " + failure.getMessage()
                    : "measured, but cleanup failed") + (leftovers.isEmpty() ? " Everything it created was deleted."
                    : " These could not be deleted: " + leftovers + "; run `pv2hvm bench latencies --cleanup-only`"
                    + " (or LatencyProbe.cleanup()) once EC2 lets go of them."), failure, false);
        }
        List<LatencyReport.Transition> transitions = new ArrayList<>();
        samples.forEach((name, list) -> transitions.add(new LatencyReport.Transition(name, !NOT_IN_MODEL.contains(name),
                WHAT.get(name), list)));
        return new LatencyReport(settings.region(), measuredAt, settings.repetitions(), settings.instanceType(),
                ec2Time(polls.interval().toNanos()), transitions, notes());
    }

    /**
     * Deletes every resource tagged {@code pv2hvm:role=latency-probe} in the region, of any run
     * (the {@code --cleanup-only} sweep): only resources with that tag, never others.
     *
     * @return the ids deleted
     * @throws MigrationException listing what could not be deleted
     */
    public List<String> cleanup() {
        ProbeSweep sweep = sweep();
        List<String> deleted = sweep.delete(Set.of(), RUN_TAG, null, t -> true);
        if (!sweep.failures().isEmpty()) {
            throw new MigrationException("Could not delete " + sweep.failures() + "; try again once EC2 lets go of them.",
                    null, true);
        }
        return deleted;
    }

    /**
     * Stops a {@link #run()} in progress (from another thread, such as a shutdown hook on Ctrl-C)
     * and waits until its cleanup finished.
     *
     * @return true when no run is going or its cleanup finished within {@code await}
     */
    public boolean cancel(Duration await) {
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
        try {
            return cleanedUp.await(await.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void repetition(int rep, LatencyProbePlan plan, Map<String, List<Duration>> samples) {
        AwsTimeouts t = settings.timeouts();
        long launched = polls.now();
        String a = launch(plan.imageId(), true);
        String b = launch(plan.imageId(), false);
        long aRunning = polls.until("instance " + a + " running", t.instanceState(), () -> state(a) == InstanceStateName.RUNNING);
        record(samples, "instancePending", aRunning - launched);
        polls.until("instance " + b + " running", t.instanceState(), () -> state(b) == InstanceStateName.RUNNING);
        calls.call(Ec2Action.STOP_INSTANCES, () -> ec2.stopInstances(r -> r.instanceIds(b)));

        Map<String, BooleanSupplier> afterRunning = new LinkedHashMap<>();
        afterRunning.put("statusChecks", () -> statusOk(a));
        afterRunning.put("reachability", () -> reachable(a));
        if (settings.instanceProfile() != null) {
            afterRunning.put("ssmAgentOnline", () -> agentOnline(a));
        }
        Duration checks = max(t.statusChecks(), settings.instanceProfile() != null ? t.agentOnline() : Duration.ZERO);
        polls.untilAll("instance " + a + " status checks", checks, afterRunning)
                .forEach((name, seen) -> record(samples, name, seen - aRunning));
        if (settings.instanceProfile() != null) {
            commandRoundTrip(a, samples);
        }

        long c0 = polls.now();
        String volume = calls.call(Ec2Action.CREATE_VOLUME, () -> ec2.createVolume(r -> r.availabilityZone(plan.availabilityZone())
                .size(VOLUME_GIB).volumeType("gp3").tagSpecifications(tags(ResourceType.VOLUME)))).volumeId();
        created.add(volume);
        record(samples, "volumeCreating", polls.until("volume " + volume + " available", t.volume(),
                () -> volumeState(volume) == VolumeState.AVAILABLE) - c0);
        long at0 = polls.now();
        calls.call(Ec2Action.ATTACH_VOLUME, () -> ec2.attachVolume(r -> r.volumeId(volume).instanceId(a).device(DEVICE)));
        record(samples, "volumeAttaching", polls.until("volume " + volume + " attached", t.volume(),
                () -> attachment(volume) == VolumeAttachmentState.ATTACHED) - at0);
        long d0 = polls.now();
        calls.call(Ec2Action.DETACH_VOLUME, () -> ec2.detachVolume(r -> r.volumeId(volume)));
        // "available" alone may be the stale state from before the attach: the attachment must be gone too.
        record(samples, "volumeDetaching", polls.until("volume " + volume + " available", t.volume(),
                () -> attachment(volume) == null && volumeState(volume) == VolumeState.AVAILABLE) - d0);
        String first = snapshot(volume, "snapshotFirst", samples);
        String second = snapshot(volume, "snapshotBase", samples);
        long i0 = polls.now();
        String image = calls.call(Ec2Action.REGISTER_IMAGE, () -> ec2.registerImage(r -> r.name("pv2hvm-latency-probe-"
                        + settings.runId() + "-" + rep).description("pv2hvm latency probe: registration timing, no OS")
                .virtualizationType(VirtualizationType.HVM.toString()).architecture(ArchitectureValues.X86_64)
                .rootDeviceName("/dev/xvda").enaSupport(true)
                .blockDeviceMappings(BlockDeviceMapping.builder().deviceName("/dev/xvda").ebs(e -> e.snapshotId(second)
                        .deleteOnTermination(true).volumeType("gp3")).build())
                .tagSpecifications(tags(ResourceType.IMAGE)))).imageId();
        created.add(image);
        record(samples, "imageRegistration", polls.until("image " + image + " available", t.image(),
                () -> imageState(image) == ImageState.AVAILABLE) - i0);
        calls.call(Ec2Action.DEREGISTER_IMAGE, () -> ec2.deregisterImage(r -> r.imageId(image)));
        created.remove(image);
        for (String snap : List.of(first, second)) {
            // The image's deregistration may not have reached the snapshot yet: the final sweep retries.
            try {
                calls.call(Ec2Action.DELETE_SNAPSHOT, () -> ec2.deleteSnapshot(r -> r.snapshotId(snap)));
                created.remove(snap);
            } catch (AwsCallException e) {
                say("snapshot " + snap + " not deleted yet (" + e.errorCode() + "); the cleanup retries");
            }
        }
        long v0 = polls.now();
        calls.call(Ec2Action.DELETE_VOLUME, () -> ec2.deleteVolume(r -> r.volumeId(volume)));
        record(samples, "volumeDeleting", polls.until("volume " + volume + " gone", t.volume(),
                () -> volumeState(volume) == null) - v0);
        created.remove(volume);

        String ip = instance(a).map(Instance::privateIpAddress).orElseThrow();
        long s0 = polls.now();
        calls.call(Ec2Action.STOP_INSTANCES, () -> ec2.stopInstances(r -> r.instanceIds(a)));
        record(samples, "instanceStopping", polls.until("instance " + a + " stopped", t.instanceState(),
                () -> state(a) == InstanceStateName.STOPPED) - s0);
        long st0 = polls.now();
        calls.call(Ec2Action.START_INSTANCES, () -> ec2.startInstances(r -> r.instanceIds(a)));
        record(samples, "instanceStarting", polls.until("instance " + a + " running", t.instanceState(),
                () -> state(a) == InstanceStateName.RUNNING) - st0);
        long t0 = polls.now();
        calls.call(Ec2Action.TERMINATE_INSTANCES, () -> ec2.terminateInstances(r -> r.instanceIds(a)));
        long terminated = polls.until("instance " + a + " terminated", t.instanceState(), () -> state(a) == InstanceStateName.TERMINATED);
        record(samples, "instanceShuttingDown", terminated - t0);
        created.remove(a);
        record(samples, "privateIpRelease", polls.until("private IP " + ip + " released", t.ipRelease(),
                () -> ipFree(ip)) - terminated);

        polls.until("instance " + b + " stopped", t.instanceState(), () -> state(b) == InstanceStateName.STOPPED);
        long b0 = polls.now();
        calls.call(Ec2Action.TERMINATE_INSTANCES, () -> ec2.terminateInstances(r -> r.instanceIds(b)));
        record(samples, "stoppedTermination", polls.until("instance " + b + " terminated", t.instanceState(),
                () -> state(b) == InstanceStateName.TERMINATED) - b0);
        created.remove(b);
    }

    private void commandRoundTrip(String instance, Map<String, List<Duration>> samples) {
        long sent = polls.now();
        String command = calls.call(SsmAction.SEND_COMMAND, () -> ssm.sendCommand(r -> r.instanceIds(instance)
                .documentName("AWS-RunShellScript").comment("pv2hvm latency probe " + settings.runId())
                .parameters(Map.of("commands", List.of("true"))))).command().commandId();
        long[] inProgress = {0};
        long done = polls.until("SSM command " + command, settings.timeouts().command(), () -> {
            CommandInvocationStatus status = invocationStatus(command, instance);
            if (status == CommandInvocationStatus.IN_PROGRESS && inProgress[0] == 0) {
                inProgress[0] = polls.now();
            }
            if (COMMAND_ENDED_BADLY.contains(status)) {
                throw new MigrationException("The SSM command `true` on " + instance + " ended " + status + ".");
            }
            return status == CommandInvocationStatus.SUCCESS;
        });
        record(samples, "ssmRoundTrip", done - sent);
        if (inProgress[0] != 0) { // a command that ran between two looks was never seen InProgress: no split
            record(samples, "ssmDispatch", inProgress[0] - sent);
            record(samples, "ssmRun", done - inProgress[0]);
        }
    }

    private String snapshot(String volume, String name, Map<String, List<Duration>> samples) {
        long s0 = polls.now();
        String id = calls.call(Ec2Action.CREATE_SNAPSHOT, () -> ec2.createSnapshot(r -> r.volumeId(volume)
                .description("pv2hvm latency probe " + settings.runId()).tagSpecifications(tags(ResourceType.SNAPSHOT))))
                .snapshotId();
        created.add(id);
        record(samples, name, polls.until("snapshot " + id + " completed", settings.timeouts().snapshot(),
                () -> snapshotState(id) == SnapshotState.COMPLETED) - s0);
        return id;
    }

    private String launch(String imageId, boolean withProfile) {
        String id = calls.call(Ec2Action.RUN_INSTANCES, () -> ec2.runInstances(r -> launchRequest(r, imageId, withProfile)))
                .instances().get(0).instanceId();
        created.add(id);
        return id;
    }

    private software.amazon.awssdk.services.ec2.model.RunInstancesRequest.Builder launchRequest(
            software.amazon.awssdk.services.ec2.model.RunInstancesRequest.Builder r, String imageId, boolean withProfile) {
        r.imageId(imageId).instanceType(settings.instanceType()).minCount(1).maxCount(1).subnetId(settings.subnetId())
                .metadataOptions(m -> m.httpTokens("required"))
                .tagSpecifications(tags(ResourceType.INSTANCE), tags(ResourceType.VOLUME),
                        tags(ResourceType.NETWORK_INTERFACE));
        if (withProfile && settings.instanceProfile() != null) {
            r.iamInstanceProfile(p -> p.name(settings.instanceProfile()));
        }
        return r;
    }

    private TagSpecification tags(ResourceType type) {
        return TagSpecification.builder().resourceType(type).tags(Tag.builder().key(Tags.ROLE).value(ROLE).build(),
                Tag.builder().key(RUN_TAG).value(settings.runId()).build(),
                // pv2hvm's least-privilege policy (`pv2hvm iam-policy`) scopes creates and deletes to this tag
                Tag.builder().key(Tags.MIGRATION_ID).value(settings.runId()).build(),
                Tag.builder().key("Name").value("pv2hvm-latency-probe").build()).build();
    }

    private void dryRun(Ec2Action dryRun, Map<String, String> permissions, List<String> refusals, Runnable call) {
        String action = dryRun.awsName();
        try {
            calls.call(dryRun, () -> {
                call.run();
                return null;
            });
            permissions.put(action, "allowed (EC2 answered without DryRunOperation: check the client)");
        } catch (AwsCallException e) {
            if ("DryRunOperation".equals(e.errorCode())) {
                permissions.put(action, "allowed");
            } else if (e.isPermissionDenied()) {
                permissions.put(action, "REFUSED (" + e.errorCode() + ")");
                refusals.add(action);
            } else {
                permissions.put(action, "REFUSED: " + e.getMessage());
                refusals.add(action);
            }
        }
    }

    private Subnet subnet() {
        if (settings.subnetId() == null) {
            throw new InvalidSpecException("The latency probe needs a subnet to launch in: pass --subnet subnet-... (a"
                    + " subnet of " + settings.region() + "; `aws ec2 describe-subnets` lists them).");
        }
        try {
            return calls.call(Ec2Action.DESCRIBE_SUBNETS, () -> ec2.describeSubnets(r -> r.subnetIds(settings.subnetId())))
                    .subnets().stream().findFirst().orElseThrow(() -> new InvalidSpecException("No subnet "
                            + settings.subnetId() + " in " + settings.region() + "."));
        } catch (AwsCallException e) {
            if (e.errorCode() != null && e.errorCode().startsWith("InvalidSubnet")) {
                throw new InvalidSpecException("Subnet " + settings.subnetId() + " does not exist in "
                        + settings.region() + " (" + e.errorCode() + "). Pass a subnet of that region (`aws ec2"
                        + " describe-subnets --region " + settings.region() + "`), or the region of the subnet.");
            }
            throw e;
        }
    }

    private Image image() {
        String id = settings.imageId();
        if (id == null) {
            if (ssm == null) {
                throw new InvalidSpecException("The latency probe needs an image: pass an SSM client (to read "
                        + settings.imageParameter() + ") or an image id.");
            }
            id = calls.call(SsmAction.GET_PARAMETER, () -> ssm.getParameter(r -> r.name(settings.imageParameter())))
                    .parameter().value();
        }
        String imageId = id;
        try {
            Image image = calls.call(Ec2Action.DESCRIBE_IMAGES, () -> ec2.describeImages(r -> r.imageIds(imageId))).images()
                    .stream().findFirst().orElseThrow(() -> new InvalidSpecException("No image " + imageId + " in "
                            + settings.region() + "."));
            if (image.virtualizationType() != VirtualizationType.HVM || image.architecture() != ArchitectureValues.X86_64) {
                throw new InvalidSpecException("Image " + imageId + " is " + image.virtualizationTypeAsString() + "/"
                        + image.architectureAsString() + "; the probe launches an x86_64 HVM image (the default is "
                        + AwsSteps.UBUNTU_24_04_PARAMETER + ").");
            }
            return image;
        } catch (AwsCallException e) {
            if (e.errorCode() != null && e.errorCode().startsWith("InvalidAMIID")) {
                throw new InvalidSpecException("Image " + imageId + " does not exist in " + settings.region() + " ("
                        + e.errorCode() + "). Pass an image of that region, or none for Ubuntu 24.04.");
            }
            throw e;
        }
    }

    private java.util.Optional<Instance> instance(String id) {
        try {
            return calls.call(Ec2Action.DESCRIBE_INSTANCES, () -> ec2.describeInstances(r -> r.instanceIds(id))).reservations()
                    .stream().flatMap(r -> r.instances().stream()).findFirst();
        } catch (AwsCallException e) {
            if ("InvalidInstanceID.NotFound".equals(e.errorCode())) {
                return java.util.Optional.empty(); // a new id is not visible at once (eventual consistency)
            }
            throw e;
        }
    }

    /** The instance's state, or null while it is not visible. */
    private InstanceStateName state(String id) {
        return instance(id).map(i -> i.state().name()).orElse(null);
    }

    private boolean statusOk(String id) {
        return calls.call(Ec2Action.DESCRIBE_INSTANCE_STATUS, () -> ec2.describeInstanceStatus(r -> r.instanceIds(id)
                .includeAllInstances(true))).instanceStatuses().stream().anyMatch(s -> s.instanceStatus() != null
                && s.systemStatus() != null && s.instanceStatus().status() == SummaryStatus.OK
                && s.systemStatus().status() == SummaryStatus.OK);
    }

    private boolean reachable(String id) {
        return calls.call(Ec2Action.DESCRIBE_INSTANCE_STATUS, () -> ec2.describeInstanceStatus(r -> r.instanceIds(id)
                .includeAllInstances(true))).instanceStatuses().stream().anyMatch(s -> s.instanceStatus() != null
                && s.instanceStatus().details().stream().anyMatch(d -> d.name() == StatusName.REACHABILITY
                        && d.status() == StatusType.PASSED));
    }

    private boolean agentOnline(String id) {
        return calls.call(SsmAction.DESCRIBE_INSTANCE_INFORMATION, () -> ssm.describeInstanceInformation(r -> r.filters(
                InstanceInformationStringFilter.builder().key("InstanceIds").values(id).build())))
                .instanceInformationList().stream().anyMatch(i -> i.pingStatus() == PingStatus.ONLINE);
    }

    private CommandInvocationStatus invocationStatus(String command, String instance) {
        try {
            return calls.call(SsmAction.GET_COMMAND_INVOCATION, () -> ssm.getCommandInvocation(r -> r.commandId(command)
                    .instanceId(instance))).status();
        } catch (AwsCallException e) {
            if ("InvocationDoesNotExist".equals(e.errorCode())) {
                return CommandInvocationStatus.PENDING; // not visible yet
            }
            throw e;
        }
    }

    /** The volume's state, or null once it is deleted (or gone). */
    private VolumeState volumeState(String id) {
        try {
            return calls.call(Ec2Action.DESCRIBE_VOLUMES, () -> ec2.describeVolumes(r -> r.volumeIds(id))).volumes().stream()
                    .findFirst().map(Volume::state).filter(v -> v != VolumeState.DELETED).orElse(null);
        } catch (AwsCallException e) {
            if ("InvalidVolume.NotFound".equals(e.errorCode())) {
                return null; // gone (a new volume not visible yet is polled until "available" all the same)
            }
            throw e;
        }
    }

    /** The volume's attachment state, or null when it is attached nowhere. */
    private VolumeAttachmentState attachment(String id) {
        return calls.call(Ec2Action.DESCRIBE_VOLUMES, () -> ec2.describeVolumes(r -> r.volumeIds(id))).volumes().stream()
                .flatMap(v -> v.attachments().stream()).map(VolumeAttachment::state).findFirst().orElse(null);
    }

    /** The snapshot's state, or null while it is not visible. */
    private SnapshotState snapshotState(String id) {
        try {
            return calls.call(Ec2Action.DESCRIBE_SNAPSHOTS, () -> ec2.describeSnapshots(r -> r.snapshotIds(id))).snapshots()
                    .stream().findFirst().map(Snapshot::state).orElse(null);
        } catch (AwsCallException e) {
            if ("InvalidSnapshot.NotFound".equals(e.errorCode())) {
                return null;
            }
            throw e;
        }
    }

    /** The image's state, or null while it is not visible. */
    private ImageState imageState(String id) {
        try {
            return calls.call(Ec2Action.DESCRIBE_IMAGES, () -> ec2.describeImages(r -> r.imageIds(id))).images().stream()
                    .findFirst().map(Image::state).orElse(null);
        } catch (AwsCallException e) {
            if ("InvalidAMIID.NotFound".equals(e.errorCode())) {
                return null;
            }
            throw e;
        }
    }

    private boolean ipFree(String ip) {
        return calls.call(Ec2Action.DESCRIBE_NETWORK_INTERFACES, () -> ec2.describeNetworkInterfaces(r -> r.filters(
                Filter.builder().name("addresses.private-ip-address").values(ip).build(),
                Filter.builder().name("subnet-id").values(settings.subnetId()).build()))).networkInterfaces().isEmpty();
    }

    private ProbeSweep sweep() {
        return new ProbeSweep(ec2, calls, polls, max(settings.timeouts().instanceState(), settings.timeouts().volume()),
                this::say, Tags.ROLE, ROLE);
    }

    private void record(Map<String, List<Duration>> samples, String name, long realNanos) {
        Duration ec2 = ec2Time(realNanos);
        samples.get(name).add(ec2);
        say(String.format(java.util.Locale.ROOT, "  %-20s %6.1f s", name, ec2.toNanos() / 1e9));
    }

    private Duration ec2Time(long realNanos) {
        return Duration.ofNanos((long) (realNanos / settings.timeScale()));
    }

    private List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (settings.instanceProfile() == null) {
            notes.add("SSM not measured (no instance profile): ssmAgentOnline, ssmDispatch and ssmRun keep the model's"
                    + " defaults.");
        }
        notes.add("snapshotPerGiB not measured: that needs writing a known amount to the volume through a transport;"
                + " both snapshots are of a never-written volume, so they time the fixed part (snapshotBase).");
        notes.add("Not measured, the model keeps its defaults: imageCreation ("
                + Ec2Action.CREATE_IMAGE.awsName() + " is not called), guestBoot and"
                + " consoleBuffer (the image's console is not read), terminatedRetention.");
        if (settings.timeScale() != 1) {
            notes.add("Measured against an emulator at time scale " + settings.timeScale() + ": real durations divided"
                    + " by it.");
        }
        return notes;
    }

    private void say(String line) {
        settings.progress().accept(line);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Builder for {@link LatencyProbe}. */
    public static final class Builder {
        private Ec2Client ec2;
        private SsmClient ssm;
        private String subnetId;
        private String instanceType = DEFAULT_INSTANCE_TYPE;
        private String imageId;
        private String imageParameter = AwsSteps.UBUNTU_24_04_PARAMETER;
        private int repetitions = 3;
        private String instanceProfile;
        private AwsTimeouts timeouts = AwsTimeouts.defaults();
        private double timeScale = 1;
        private Ec2RateLimits rateLimits = Ec2RateLimits.documented();
        private Consumer<String> progress = line -> { };
        private String runId;
        private java.time.Clock clock = java.time.Clock.systemUTC();
        private io.pv2hvm.core.spi.Sleeper sleeper = io.pv2hvm.core.spi.Sleeper.system();

        private Builder() {
        }

        /** The clock samples are read from (default the system clock; a test's manual clock). */
        public Builder clock(java.time.Clock clock) { this.clock = Objects.requireNonNull(clock, "clock"); return this; }

        /** How the probe waits between looks (default {@link io.pv2hvm.core.spi.Sleeper#system()}). */
        public Builder sleeper(io.pv2hvm.core.spi.Sleeper sleeper) { this.sleeper = Objects.requireNonNull(sleeper, "sleeper"); return this; }

        /** The EC2 client; its region is the one measured. Required. */
        public Builder ec2(Ec2Client ec2) { this.ec2 = Objects.requireNonNull(ec2, "ec2"); return this; }

        /** The SSM client: reads the default image's parameter, and times the SSM round trip with an instance profile. */
        public Builder ssm(SsmClient ssm) { this.ssm = ssm; return this; }

        /** The subnet the instances launch in (its zone holds the volume). Required. */
        public Builder subnet(String subnetId) { this.subnetId = subnetId; return this; }

        /** The instance type launched (default {@value #DEFAULT_INSTANCE_TYPE}). */
        public Builder instanceType(String type) { this.instanceType = Objects.requireNonNull(type, "type"); return this; }

        /** An x86_64 HVM image to launch instead of the one {@link #imageParameter} names. */
        public Builder imageId(String imageId) { this.imageId = imageId; return this; }

        /** The SSM parameter naming the image (default {@link AwsSteps#UBUNTU_24_04_PARAMETER}, which ships the SSM agent). */
        public Builder imageParameter(String name) { this.imageParameter = Objects.requireNonNull(name, "name"); return this; }

        /** How many times each transition is measured: 1 to {@value #MAX_REPETITIONS} (default 3). */
        public Builder repetitions(int n) {
            if (n < 1 || n > MAX_REPETITIONS) {
                throw new InvalidSpecException("Repetitions must be between 1 and " + MAX_REPETITIONS + "; got " + n
                        + ". Three give a median; more cost more instance time.");
            }
            this.repetitions = n;
            return this;
        }

        /** An instance profile whose role has AmazonSSMManagedInstanceCore: without one, SSM is not measured. */
        public Builder instanceProfile(String name) { this.instanceProfile = name; return this; }

        /** The waits' poll interval (the resolution of every sample) and deadlines (default {@link AwsTimeouts#defaults()}). */
        public Builder timeouts(AwsTimeouts timeouts) { this.timeouts = Objects.requireNonNull(timeouts, "timeouts"); return this; }

        /** For an emulator whose EC2 seconds last {@code scale} real seconds: samples are divided by it (default 1). */
        public Builder timeScale(double scale) {
            if (!(scale > 0) || scale > 1) {
                throw new InvalidSpecException("The time scale must be in (0, 1]; got " + scale + ".");
            }
            this.timeScale = scale;
            return this;
        }

        /** The client-side rate limits every call takes a permit from (default {@link Ec2RateLimits#documented()}). */
        public Builder rateLimits(Ec2RateLimits limits) { this.rateLimits = Objects.requireNonNull(limits, "limits"); return this; }

        /** Receives a line per step and sample, for a progress display. */
        public Builder progress(Consumer<String> progress) { this.progress = Objects.requireNonNull(progress, "progress"); return this; }

        /** The run id to tag with (default {@code lat-<UTC time>-<random>}). */
        public Builder runId(String runId) { this.runId = runId; return this; }

        /** Builds the probe; nothing is called yet. */
        public LatencyProbe build() {
            if (ec2 == null) {
                throw new InvalidSpecException("The latency probe needs an EC2 client: builder().ec2(Ec2Client.create()).");
            }
            return new LatencyProbe(this);
        }
    }
}
