package io.pv2hvm.aws;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.AfterEach;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * An emulator per test, with real SDK clients pointed at it, closed after the test. The emulator
 * is as strict as EC2 by default: eventual consistency (a new id is NotFound for a while, a
 * describe after a change shows the state before it) and EC2's documented request-rate throttling,
 * both on the emulator's scaled clock. A test turns either off only when it is about something
 * else, and says why.
 */
abstract class EmulatorTestBase {
    protected Ec2Emulator emulator;
    protected Ec2Client ec2;
    protected SsmClient ssm;

    /** Starts (or restarts) the emulator on {@code world}, with extra settings over the strict defaults. */
    protected void start(World world, java.util.function.UnaryOperator<Ec2Emulator.Builder> settings) {
        stop();
        emulator = settings.apply(EmulatedAws.asStrictAsEc2(Ec2Emulator.builder().world(world))).build().start();
        ec2 = EmulatedAws.ec2(emulator);
        ssm = EmulatedAws.ssm(emulator);
    }

    /**
     * Waits out the emulator's consistency window (on the system clock), so that what the test
     * describes next is the truth, not the state before the operation it checks.
     */
    protected void awaitConsistency() {
        long nanos = emulator.consistencyWindow().toNanos();
        if (nanos > 0) {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting out the consistency window", e);
            }
        }
    }

    /**
     * What {@code describe} shows once the emulator has settled: it describes once (a describe that
     * first meets a change may show the state before it, for a consistency window), waits the
     * window out, and describes again, as a client polling EC2 would.
     */
    protected <T> T settled(java.util.function.Supplier<T> describe) {
        describe.get();
        awaitConsistency();
        return describe.get();
    }

    protected void start(World world) {
        start(world, b -> b);
    }

    /** A migration of {@code instanceId} through the AWS steps, the given guest and a fake worker. */
    protected MigrationSpec migration(String instanceId, GuestConversion guest, EmulatedAws.FakeWorker worker) {
        Ec2Emulator running = emulator;
        worker.filesystems = running::filesystem; // its blkid reads what the world seeded on each volume
        AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatedAws.timeouts()).guestConversion(guest)
                .build();
        return Migration.of(instanceId).toHvm().withProvider(aws).withTransport(worker).withJournal(InMemoryJournal.create());
    }

    @AfterEach
    void stop() {
        if (emulator != null) {
            ec2.close();
            ssm.close();
            emulator.stop();
            emulator = null;
        }
    }
}
