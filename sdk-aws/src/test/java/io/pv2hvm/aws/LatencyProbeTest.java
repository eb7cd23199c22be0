package io.pv2hvm.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.testkit.LatencyFile;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.ManualClock;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.TouchedResource;
import io.pv2hvm.testkit.world.World;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The latency probe against the emulator (strict: eventual consistency and EC2's throttling on). On a
 * manual clock that the probe's own sleeps advance, so every sample is exact EC2 time whatever the
 * machine's load: it measures what the emulator's latency model says, within the poll resolution; it
 * deletes everything it created, also after a failure; its dry run and a refused permission create
 * nothing; its sweeps touch only resources with its tags. On real time (scaled): a cancel, as from a
 * Ctrl-C shutdown hook, still deletes everything.
 */
class LatencyProbeTest extends EmulatorTestBase {
    /** The probe's poll interval: each sample's resolution (the SDK's default). */
    private static final Duration POLL = AwsTimeouts.defaults().poll();
    /** Latencies far from realistic()'s and well above the tolerance, so a file that kept a default would show. */
    private static final LatencyModel MODEL = LatencyModel.builder().instancePending(Duration.ofSeconds(70))
            .instanceStopping(Duration.ofSeconds(160)).instanceShuttingDown(Duration.ofSeconds(200))
            .stoppedTermination(Duration.ofSeconds(100)).statusChecks(Duration.ofSeconds(360))
            .ssmAgentOnline(Duration.ofSeconds(180)).volumeCreating(Duration.ofSeconds(100))
            .volumeAttaching(Duration.ofSeconds(60)).volumeDetaching(Duration.ofSeconds(80))
            .volumeDeleting(Duration.ofSeconds(50)).snapshotBase(Duration.ofSeconds(140))
            .imageRegistration(Duration.ofSeconds(120)).privateIpRelease(Duration.ofSeconds(60))
            .ssmDispatch(Duration.ofSeconds(40)).ssmRun(Duration.ofSeconds(80)).build();

    @TempDir
    Path dir;

    private ManualClock clock;

    /** The web-server world on a manual clock, at {@link #MODEL}'s latencies in EC2 time. */
    private void startWorld() {
        clock = ManualClock.create();
        start(EmulatedAws.webServerWorld().build(), b -> b.clock(clock).latency(MODEL));
    }

    /**
     * A probe whose sleeps advance the manual clock. Client-side permits count real time, which hardly
     * passes here, so the client is unlimited; the emulator still enforces EC2's buckets on its clock.
     */
    private LatencyProbe.Builder probe() {
        return LatencyProbe.builder().ec2(ec2).ssm(ssm).subnet(World.SUBNET_A).clock(clock).sleeper(clock::advance)
                .rateLimits(Ec2RateLimits.unlimited());
    }

    /** Lets the emulator's consistency window pass on whichever clock it runs. */
    private void settle() {
        if (clock != null) {
            clock.advance(emulator.consistencyWindow().multipliedBy(2));
        } else {
            awaitConsistency();
        }
    }

    /** What {@code describe} shows once settled: a describe that first meets a change may show the state before it. */
    private <T> T settledNow(java.util.function.Supplier<T> describe) {
        describe.get();
        settle();
        return describe.get();
    }

    @Test
    void theFileItWritesHoldsTheEmulatorsLatenciesWithinThePollResolution_andNothingIsLeftBehind() {
        startWorld();
        LatencyReport report = probe().repetitions(3).instanceProfile(EmulatedAws.WORKER_PROFILE).build().run();
        Path file = dir.resolve("latencies.json");
        report.writeTo(file);

        LatencyFile read = LatencyFile.read(file);
        assertThat(read.region()).contains(io.pv2hvm.testkit.Ec2Emulator.REGION);
        assertThat(read.repetitions()).hasValue(3);
        // A sample is late by up to one poll gap plus twice the emulator's consistency window (a describe may
        // show the state before the call, then before the transition, for that long each); one timed from an
        // observed state (status checks from "running seen") may be early by as much.
        Duration tolerance = POLL.plus(emulator.consistencyWindow().multipliedBy(2));
        Map<String, Function<LatencyModel, Duration>> measured = Map.ofEntries(
                Map.entry("instancePending", LatencyModel::instancePending),
                Map.entry("instanceStopping", LatencyModel::instanceStopping),
                Map.entry("instanceShuttingDown", LatencyModel::instanceShuttingDown),
                Map.entry("stoppedTermination", LatencyModel::stoppedTermination),
                Map.entry("statusChecks", LatencyModel::statusChecks),
                Map.entry("ssmAgentOnline", LatencyModel::ssmAgentOnline),
                Map.entry("volumeCreating", LatencyModel::volumeCreating),
                Map.entry("volumeAttaching", LatencyModel::volumeAttaching),
                Map.entry("volumeDetaching", LatencyModel::volumeDetaching),
                Map.entry("volumeDeleting", LatencyModel::volumeDeleting),
                Map.entry("snapshotBase", LatencyModel::snapshotBase),
                Map.entry("imageRegistration", LatencyModel::imageRegistration),
                Map.entry("privateIpRelease", LatencyModel::privateIpRelease));
        measured.forEach((name, latency) -> {
            Duration got = latency.apply(read.model());
            Duration want = latency.apply(MODEL);
            assertThat(got.minus(want).abs()).as("%s: measured %s, configured %s, tolerance %s", name, got, want, tolerance)
                    .isLessThanOrEqualTo(tolerance);
        });
        assertThat(read.fromFile()).containsAll(measured.keySet()).doesNotContain("imageCreation", "snapshotPerGiB");
        // The SSM round trip: dispatch plus the command's run, however the looks split them.
        Duration roundTrip = report.transition("ssmRoundTrip").orElseThrow().median();
        assertThat(roundTrip.minus(MODEL.ssmDispatch().plus(MODEL.ssmRun())).abs()).isLessThanOrEqualTo(tolerance);
        assertThat(report.toTable()).contains("| instancePending |", "poll resolution 5.0 s", "snapshotPerGiB not measured");

        assertNothingLeftAndNothingForeignTouched();
    }

    @Test
    void theDryRunCreatesNothing_andSaysWhatItWouldCreateAndCost() {
        startWorld();
        emulator.journal().clear();
        LatencyProbePlan plan = probe().repetitions(3).build().plan();

        assertThat(plan.refusals()).isEmpty();
        assertThat(plan.permissions()).containsEntry("RunInstances", "allowed").containsEntry("CreateVolume", "allowed");
        assertThat(plan.rootGiB()).isPositive();
        assertThat(plan.toText()).contains("Dry run: nothing was created", "2 instances (t3.micro", "1 volume (1 GiB gp3)",
                "SSM is not measured", "Cost, at most (3 repetition(s)", "$0.0104/h");
        assertOnlyReadsAndDryRuns(emulator.journal().all());
    }

    @Test
    void aRefusedPermissionStopsTheRunBeforeItCreatesAnything() {
        startWorld();
        emulator.faults().failNext("RunInstances", 1, "UnauthorizedOperation",
                "You are not authorized to perform this operation.", 403);
        emulator.journal().clear();
        assertThatThrownBy(() -> probe().repetitions(1).build().run()).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("RunInstances").hasMessageContaining("nothing was created");
        assertOnlyReadsAndDryRuns(emulator.journal().all());
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingIsCreated() {
        startWorld();
        emulator.journal().clear();
        assertThatThrownBy(() -> probe().subnet("subnet-0ffffffffffffffff").build().plan())
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("subnet-0ffffffffffffffff")
                .hasMessageContaining("describe-subnets");
        assertThatThrownBy(() -> probe().instanceType("t9.nano").build().run()).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("t9.nano");
        assertThatThrownBy(() -> probe().repetitions(0)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("between 1 and 20");
        assertOnlyReadsAndDryRuns(emulator.journal().all());
    }

    @Test
    void aFailureMidRunStillDeletesEverythingItCreated() {
        startWorld();
        emulator.faults().failNext("RegisterImage", 1, "InvalidParameterValue", "injected: refused", 400);
        assertThatThrownBy(() -> probe().repetitions(1).build().run()).isInstanceOf(MigrationException.class)
                .hasMessageContaining("RegisterImage").hasMessageContaining("Everything it created was deleted");
        assertThat(emulator.journal().calls("CreateSnapshot")).isNotEmpty(); // it failed mid-run, with resources out
        assertNothingLeftAndNothingForeignTouched();
    }

    @Test
    void aCancelFromAnotherThreadAsOnCtrlCStillDeletesEverything() throws Exception {
        double scale = 0.01; // real time, scaled: the cancel interrupts a real sleep
        start(EmulatedAws.webServerWorld().build(), b -> b.latency(MODEL.withTimeScale(scale)));
        LatencyProbe probe = LatencyProbe.builder().ec2(ec2).ssm(ssm).subnet(World.SUBNET_A).repetitions(1)
                .timeouts(AwsTimeouts.defaults().scaled(scale)).timeScale(scale)
                .rateLimits(Ec2RateLimits.documented().withTimeScale(scale)).build();
        CompletableFuture<LatencyReport> run = CompletableFuture.supplyAsync(probe::run);
        while (emulator.journal().calls("CreateVolume").stream().noneMatch(RecordedCall::succeeded) && !run.isDone()) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertThat(probe.cancel(Duration.ofMinutes(1))).isTrue();
        assertThatThrownBy(run::join).hasCauseInstanceOf(MigrationException.class);
        assertNothingLeftAndNothingForeignTouched();
    }

    @Test
    void theCleanupSweepDeletesOnlyResourcesWithTheProbesRoleTag() {
        startWorld();
        String leftover = volume(Map.of(Tags.ROLE, LatencyProbe.ROLE, LatencyProbe.RUN_TAG, "lat-crashed"));
        String foreign = volume(Map.of(Tags.ROLE, "scratch-volume", LatencyProbe.RUN_TAG, "lat-crashed"));
        String untagged = volume(Map.of());
        settle();

        List<String> deleted = probe().build().cleanup();

        assertThat(deleted).containsExactly(leftover);
        settle();
        assertThat(settledNow(() -> ec2.describeVolumes(r -> r.volumeIds(foreign, untagged))).volumes())
                .allMatch(v -> "available".equals(v.stateAsString())).hasSize(2);
        assertNothingLeftAndNothingForeignTouched();
    }

    private String volume(Map<String, String> tags) {
        return ec2.createVolume(r -> {
            r.availabilityZone("us-east-1a").size(1).volumeType("gp3");
            if (!tags.isEmpty()) {
                r.tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VOLUME).tags(tags.entrySet()
                        .stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()).build());
            }
        }).volumeId();
    }

    /** No resource tagged with the probe's role is left, and every delete, stop or attach touched only such resources. */
    private void assertNothingLeftAndNothingForeignTouched() {
        Filter probeTag = Filter.builder().name("tag:" + Tags.ROLE).values(LatencyProbe.ROLE).build();
        assertThat(settledNow(() -> ec2.describeInstances(r -> r.filters(probeTag))).reservations().stream()
                .flatMap(r -> r.instances().stream()).map(i -> i.state().nameAsString())).allMatch("terminated"::equals);
        // A volume being deleted (a terminated instance's root, deleted on termination) is listed as deleting.
        assertThat(settledNow(() -> ec2.describeVolumes(r -> r.filters(probeTag))).volumes())
                .allMatch(v -> "deleting".equals(v.stateAsString()));
        assertThat(settledNow(() -> ec2.describeSnapshots(r -> r.ownerIds("self").filters(probeTag))).snapshots()).isEmpty();
        assertThat(settledNow(() -> ec2.describeImages(r -> r.owners("self").filters(probeTag))).images()).isEmpty();
        Set<String> acting = Set.of("TerminateInstances", "StopInstances", "StartInstances", "DeleteVolume",
                "DeleteSnapshot", "DeregisterImage", "AttachVolume", "DetachVolume", "CreateSnapshot", "SendCommand");
        for (RecordedCall call : emulator.journal().all()) {
            if (!acting.contains(call.action()) || !call.tookEffect()) {
                continue;
            }
            for (TouchedResource r : call.resources()) {
                if (Set.of("instance", "volume", "snapshot", "image").contains(r.type()) && !r.created()) {
                    assertThat(r.tags()).as("%s on %s", call.action(), r.arn()).containsEntry(Tags.ROLE, LatencyProbe.ROLE);
                }
            }
        }
        assertThat(settledNow(() -> ec2.describeInstances(r -> r.instanceIds(EmulatedAws.SOURCE))).reservations().get(0)
                .instances().get(0).state().nameAsString()).isEqualTo("running");
    }

    private static void assertOnlyReadsAndDryRuns(List<RecordedCall> calls) {
        assertThat(calls).isNotEmpty();
        for (RecordedCall c : calls) {
            if (c.mutating()) {
                assertThat(c.param("DryRun")).as(c.action()).isEqualTo("true");
                assertThat(c.tookEffect()).as(c.action()).isFalse();
            }
        }
    }
}
