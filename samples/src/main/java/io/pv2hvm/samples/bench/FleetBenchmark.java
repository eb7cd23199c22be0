package io.pv2hvm.samples.bench;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.aws.Ec2RateLimits;
import io.pv2hvm.aws.FleetResult;
import io.pv2hvm.aws.Migrations;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.samples.sandbox.ApiCallLog;
import io.pv2hvm.samples.sandbox.EmulatorClients;
import io.pv2hvm.samples.sandbox.EmulatorTimeouts;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.ThrottlingPolicy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.util.List;
import java.util.function.Consumer;

/**
 * A fleet migration against the emulator: {@code instances} PV servers ({@link FleetWorld}),
 * EC2's documented token buckets refilling per EC2 second on the emulator's scaled clock, the
 * simulated guest and worker (no disks), and {@code Migrations.fleet(...)} with the documented
 * rate limits on the same clock. Reports the fleet's figures, what the emulator saw, and what the
 * JVM spent.
 */
public final class FleetBenchmark {
    private FleetBenchmark() {
    }

    /**
     * The figures of one run.
     *
     * @param fleet                the fleet's result
     * @param timeScale            real seconds per EC2 second
     * @param httpRequests         requests the emulator answered (SDK retries included)
     * @param requestLimitExceeded RequestLimitExceeded answers of the emulator
     * @param footprint            what the JVM spent
     * @param apiCalls             the calls pv2hvm's clients made, in time order
     * @param activity             when each migration ran and when calls waited for a rate-limit permit
     */
    public record Report(FleetResult fleet, double timeScale, long httpRequests, long requestLimitExceeded,
                         Footprint.Measured footprint, List<ApiCallLog.Call> apiCalls, FleetActivity activity) {
    }

    /** Runs the fleet; {@code progress} hears of each migration as it ends. */
    public static Report run(int instances, int maxConcurrent, double timeScale,
                             Consumer<FleetResult.Outcome> progress) {
        FleetWorld world = FleetWorld.of(instances);
        Ec2Emulator emulator = Ec2Emulator.builder().world(world.world())
                .latency(LatencyModel.realistic().withTimeScale(timeScale)).ssmExecutor(new SimulatedWorker())
                .throttling(ThrottlingPolicy.documented().onScaledClock()).build().start();
        StepOfThread steps = new StepOfThread();
        ApiCallLog apiCalls = new ApiCallLog(java.time.Clock.systemUTC(), steps::get);
        FleetActivity activity = new FleetActivity();
        try (Ec2Client ec2 = EmulatorClients.ec2(emulator.endpoint(), apiCalls);
             SsmClient ssm = EmulatorClients.ssm(emulator.endpoint(), apiCalls)) {
            AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatorTimeouts.forTimeScale(timeScale))
                    .workerInstanceProfile(SandboxWorld.WORKER_PROFILE)
                    .guestConversion(SimulatedGuest.typical()).build();
            Footprint footprint = Footprint.start();
            FleetResult result = Migrations.fleet(world.instanceIds()).using(aws)
                    .each(s -> s.preservingIps().withJournal(InMemoryJournal.create()).withListener(activity).withListener(steps))
                    .maxConcurrent(maxConcurrent)
                    .rateLimits(Ec2RateLimits.documented().withTimeScale(timeScale).onWait(activity::waited))
                    .onEach(progress)
                    .run();
            Footprint.Measured spent = footprint.stop();
            List<RecordedCall> calls = emulator.journal().all();
            long limited = calls.stream().filter(c -> "RequestLimitExceeded".equals(c.errorCode())).count();
            return new Report(result, timeScale, calls.size(), limited, spent, apiCalls.calls(), activity);
        } finally {
            emulator.stop();
        }
    }
}
