package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsCalls;
import io.pv2hvm.aws.internal.Ec2Resources;
import io.pv2hvm.aws.internal.SharedDescribe;
import io.pv2hvm.aws.internal.SharedPolls;
import io.pv2hvm.aws.internal.SweepContext;
import io.pv2hvm.core.MigrationCancelledException;
import io.pv2hvm.core.spi.Sleeper;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The poll rounds a fleet shares ({@link SharedPolls}), against the emulator over HTTP with
 * eventual consistency and EC2's throttling on: one describe answers every migration's waits,
 * a just-created id does not fail the others' round, cancelling one wait leaves the others
 * waiting, and ids beyond one filter's limit are split over calls.
 */
class SharedPollsTest extends EmulatorTestBase {
    private static final String IMAGE = "ami-0aaaaaaaaaaaaaaa1";
    private static final List<String> IDS = List.of("i-0b00000000000000a", "i-0b00000000000000b", "i-0b00000000000000c");

    private void startWorld() {
        World.Builder w = World.builder().defaultNetwork().image(ImageSeed.hvm(IMAGE, "hvm-image"));
        IDS.forEach(id -> w.instance(InstanceSeed.of(id, IMAGE).instanceType("m5.large")));
        start(w.build());
    }

    /** One migration of the fleet: its own calls, the fleet's rounds. */
    private Ec2Resources migration(SharedPolls polls) {
        return new Ec2Resources(ec2, new AwsCalls(), EmulatedAws.timeouts(), polls);
    }

    private static SweepContext ctx(String id) {
        return SweepContext.unrecorded("mig-20261205-000000-" + id.substring(id.length() - 6), java.time.Clock.systemUTC(), Sleeper.system());
    }

    private static List<List<String>> instanceIdFilters(List<RecordedCall> calls) {
        return calls.stream().map(c -> c.params().entrySet().stream()
                .filter(e -> e.getKey().startsWith("Filter.1.Value.")).map(java.util.Map.Entry::getValue).sorted().toList())
                .toList();
    }

    @Test
    void oneDescribePerRoundAnswersEveryMigrationsWait() throws Exception {
        startWorld();
        SharedPolls polls = new SharedPolls(ec2, EmulatedAws.timeouts().poll());
        List<Ec2Resources> fleet = IDS.stream().map(id -> migration(polls)).toList();
        emulator.journal().clear();

        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (int i = 0; i < IDS.size(); i++) {
            Ec2Resources res = fleet.get(i);
            String id = IDS.get(i);
            waits.add(CompletableFuture.runAsync(() -> res.waitInstance(ctx(id), id, InstanceStateName.STOPPED)));
        }
        // Stop only once all three watch: no wait can end before then, so the rounds after it name all
        // three (stopping first let a busy machine's late threads each find "stopped" in a round of its own).
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (polls.instances().watchedIds().size() < IDS.size() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(polls.instances().watchedIds()).containsExactlyInAnyOrderElementsOf(IDS);
        ec2.stopInstances(r -> r.instanceIds(IDS));
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);

        List<RecordedCall> describes = emulator.journal().calls("DescribeInstances");
        assertThat(describes).isNotEmpty().allSatisfy(c -> assertThat(c.param("InstanceId.1"))
                .as("ids go in a filter, never an id list that fails as a whole").isNull());
        assertThat(instanceIdFilters(describes)).as("some round named all three migrations' instances")
                .contains(IDS.stream().sorted().toList());
        double attributed = fleet.stream().mapToDouble(r -> r.calls().calls("DescribeInstances")).sum();
        assertThat(attributed).as("the rounds' calls are split among the migrations, adding up to what EC2 saw")
                .isCloseTo(describes.size(), org.assertj.core.data.Offset.offset(0.001));
        assertThat(polls.instances().watchedIds()).as("a finished wait stops watching").isEmpty();
    }

    @Test
    void aJustLaunchedInstanceDoesNotFailTheRoundOfTheOthers() throws Exception {
        startWorld();
        SharedPolls polls = new SharedPolls(ec2, EmulatedAws.timeouts().poll());
        Ec2Resources old = migration(polls);
        Ec2Resources young = migration(polls);
        String launched = ec2.runInstances(r -> r.imageId(IMAGE).instanceType("m5.large").minCount(1).maxCount(1)
                .subnetId(World.SUBNET_A)).instances().get(0).instanceId();
        emulator.journal().clear();

        CompletableFuture<Void> youngWait = CompletableFuture.runAsync(() -> {
            young.waitInstance(ctx(launched), launched, InstanceStateName.RUNNING);
            young.waitStatusOk(ctx(launched), launched);
        });
        CompletableFuture<Void> oldWait = CompletableFuture.runAsync(() -> old.waitStatusOk(ctx(IDS.get(0)), IDS.get(0)));
        CompletableFuture.allOf(youngWait, oldWait).get(2, TimeUnit.MINUTES);

        assertThat(emulator.journal().calls("DescribeInstances")).as("a filter leaves an unknown id out, no NotFound")
                .allSatisfy(c -> assertThat(c.errorCode()).isNull());
        // DescribeInstanceStatus only takes id lists: a NotFound batch is split and the known id still answered.
        List<RecordedCall> statuses = emulator.journal().calls("DescribeInstanceStatus");
        assertThat(statuses).filteredOn(c -> c.errorCode() == null).isNotEmpty();
        statuses.stream().filter(c -> "InvalidInstanceID.NotFound".equals(c.errorCode())).forEach(notFound ->
                assertThat(notFound.param("InstanceId.2")).as("only a batch is split; an id alone is not-yet-visible")
                        .isNotNull());
    }

    @Test
    void cancellingOneWaitLeavesTheOthersWaiting() throws Exception {
        startWorld();
        SharedPolls polls = new SharedPolls(ec2, EmulatedAws.timeouts().poll());
        Ec2Resources cancelled = migration(polls);
        Ec2Resources other = migration(polls);
        AtomicReference<Thread> cancelledThread = new AtomicReference<>();
        CompletableFuture<Throwable> cancelledWait = CompletableFuture.supplyAsync(() -> {
            cancelledThread.set(Thread.currentThread());
            try {
                cancelled.waitInstance(ctx(IDS.get(0)), IDS.get(0), InstanceStateName.STOPPED); // never asked to stop
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        CompletableFuture<Void> otherWait = CompletableFuture.runAsync(() ->
                other.waitInstance(ctx(IDS.get(1)), IDS.get(1), InstanceStateName.STOPPED));
        while (polls.instances().watchedIds().size() < 2) {
            Thread.sleep(5);
        }

        cancelledThread.get().interrupt(); // SweepContext's cancellation: the thread's interrupt
        assertThat(cancelledWait.get(30, TimeUnit.SECONDS)).isInstanceOf(MigrationCancelledException.class);
        assertThat(otherWait).as("the other migration still waits").isNotDone();
        assertThat(polls.instances().watchedIds()).containsExactly(IDS.get(1));

        ec2.stopInstances(r -> r.instanceIds(IDS.get(1)));
        otherWait.get(2, TimeUnit.MINUTES);
        assertThat(polls.instances().watchedIds()).isEmpty();
    }

    @Test
    void idsBeyondOneFiltersLimitGoInSeveralCallsOfOneRound() throws ExecutionException, InterruptedException {
        startWorld();
        SharedPolls polls = new SharedPolls(ec2, EmulatedAws.timeouts().poll());
        AwsCalls calls = new AwsCalls();
        SharedDescribe<software.amazon.awssdk.services.ec2.model.Instance> kind = polls.instances();
        List<SharedDescribe.Watch> watches = new ArrayList<>();
        IntStream.range(0, 250).forEach(i -> watches.add(kind.watch(String.format("i-0c%015x", i), calls)));
        SharedDescribe.Watch real = kind.watch(IDS.get(2), calls);
        emulator.journal().clear();

        var answer = kind.look(real, ctx(IDS.get(2)));

        assertThat(answer).map(software.amazon.awssdk.services.ec2.model.Instance::instanceId).contains(IDS.get(2));
        List<RecordedCall> describes = emulator.journal().calls("DescribeInstances");
        assertThat(instanceIdFilters(describes)).extracting(List::size).containsExactly(200, 51);
        assertThat(kind.rounds()).isEqualTo(1);
        assertThat(calls.calls("DescribeInstances")).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.001));
        watches.forEach(SharedDescribe.Watch::close);
        real.close();
    }

    @Test
    void theEmulatorRefusesMoreValuesInOneFilterThanEc2() {
        startWorld();
        List<String> ids = IntStream.range(0, 201).mapToObj(i -> String.format("i-0c%015x", i)).toList();
        assertThatThrownBy(() -> ec2.describeInstances(r -> r.filters(Filter.builder().name("instance-id").values(ids)
                .build()))).isInstanceOfSatisfying(Ec2Exception.class, e ->
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("FilterLimitExceeded"));
    }

    @Test
    void aWaitOfItsOwnStillLooksRightAway() {
        startWorld();
        Ec2Resources alone = new Ec2Resources(ec2, new AwsCalls(), EmulatedAws.timeouts());
        emulator.journal().clear();
        alone.waitInstance(ctx(IDS.get(0)), IDS.get(0), InstanceStateName.RUNNING);
        assertThat(emulator.journal().calls("DescribeInstances")).as("already running: one look, one call").hasSize(1);
    }
}
