package io.pv2hvm.aws;

import io.pv2hvm.core.Phase;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.time.Duration;
import java.util.List;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A NotFound right after pv2hvm's own create is eventual consistency, never "gone": EC2 says an
 * instance that answers NotFound "could still be running"
 * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html).
 */
class EventualConsistencyTest extends EmulatorTestBase {

    @Test
    void failureRightAfterLaunchingTheWorker_stillTerminatesIt_thoughItIsNotYetVisible() {
        // A window longer than the steps take, shorter than the visibility grace (a fifth of the scaled
        // instance-state timeout): the worker is NotFound during the whole rollback's first looks.
        Duration window = EmulatedAws.timeouts().instanceState().dividedBy(5).dividedBy(3);
        start(EmulatedAws.webServerWorld().build(), b -> b.consistencyWindow(window));
        // The first look at the new worker fails for good: launch-worker fails right after RunInstances.
        Step denyNextDescribe = new Step() {
            @Override
            public String name() {
                return "deny-next-describe-instances";
            }

            @Override
            public void run(StepContext context) {
                emulator.faults().failNext("DescribeInstances", 1, "UnauthorizedOperation", "injected", 403);
            }
        };

        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> migration(SOURCE, SimulatedGuest.typical(), new EmulatedAws.FakeWorker())
                        .withStepBefore(Phase.PREPARE, denyNextDescribe).run());

        assertThat(e.step()).isEqualTo("launch-worker");
        assertThat(e.notRolledBack()).isEmpty();
        // Waits describe by an instance-id filter (shared poll rounds), which leaves a not-yet-visible id out
        // instead of failing NotFound: the rollback looked again and again before it saw the worker.
        java.time.Instant terminated = emulator.journal().calls("TerminateInstances").get(0).at();
        String workerId = emulator.journal().calls("TerminateInstances").get(0).param("InstanceId.1");
        assertThat(emulator.journal().calls("DescribeInstances")).as("the rollback met the worker not yet visible first")
                .filteredOn(c -> c.at().isBefore(terminated) && workerId.equals(c.param("Filter.1.Value.1"))
                        && c.errorCode() == null).hasSizeGreaterThan(1);
        assertThat(emulator.journal().calls("TerminateInstances")).as("the worker was terminated").hasSize(1);
        awaitConsistency();
        Filter worker = Filter.builder().name("tag:" + Tags.ROLE).values("worker").build();
        List<String> states = ec2.describeInstances(b -> b.filters(worker)).reservations().stream()
                .flatMap(r -> r.instances().stream()).map(Instance::state).map(s -> s.nameAsString()).toList();
        assertThat(states).as("the worker's state").singleElement().isIn("shutting-down", "terminated");
    }
}
