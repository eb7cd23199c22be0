package io.pv2hvm.aws;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.lab.Fixture;
import io.pv2hvm.testkit.lab.GuestLab;
import io.pv2hvm.testkit.lab.LoopbackWorker;
import io.pv2hvm.testkit.junit5.RequiresLab;
import io.pv2hvm.testkit.spi.SsmCommand;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.spi.SsmCommandResult;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The SSM agent times out, or someone cancels the command, while the worker converts the real
 * guest disk: the migration fails with a transport error naming what happened, rolls everything
 * back, and the source is never touched.
 */
@RequiresLab
class SsmFaultMidConversionTest {
    private static final String SOURCE = "i-0123456789abcdef0";

    @TempDir
    Path devRoot;

    @ParameterizedTest
    @ValueSource(strings = {"TimedOut", "Cancelled"})
    void ssmFaultDuringTheConversion_rollsBackAndLeavesTheSourceUntouched(String fault) {
        Path root = GuestLab.shared().copyOf(Fixture.EXT4, "ssm-fault-root");
        InstanceSeed source = InstanceSeed.of(SOURCE, EmulatedAws.PV_IMAGE).instanceType("m1.large")
                .privateIp(EmulatedAws.SOURCE_IP).root(VolumeSeed.of("/dev/sda1", 1).diskImage(root));
        AtomicReference<SsmClient> canceller = new AtomicReference<>();
        try (LoopbackWorker worker = new LoopbackWorker(devRoot);
             Ec2Emulator emulator = Ec2Emulator.builder().ssmExecutor(faultyDuringConversion(worker, fault, canceller))
                     .world(EmulatedAws.world(source, EmulatedAws.pvImage()).build()).build().start();
             Ec2Client ec2 = EmulatedAws.ec2(emulator);
             SsmClient ssm = EmulatedAws.ssm(emulator)) {
            canceller.set(ssm);
            AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatedAws.timeouts())
                    .workerInstanceProfile(EmulatedAws.WORKER_PROFILE).build();

            StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> Migration.of(SOURCE).toHvm()
                    .preservingIps().withProvider(aws).withJournal(InMemoryJournal.create()).run());

            assertThat(e).isNotNull();
            assertThat(e.step()).isEqualTo("convert-trial");
            assertThat(e.getCause()).isInstanceOf(TransportException.class)
                    .hasMessageContaining("TimedOut".equals(fault) ? "timed out" : "cancelled");
            assertThat(e.notRolledBack()).isEmpty();
            assertThat(ec2.describeInstances(b -> b.instanceIds(SOURCE)).reservations().get(0).instances().get(0)
                    .state().nameAsString()).isEqualTo("running");
            assertThat(emulator.journal().calls("StopInstances"))
                    .allSatisfy(c -> assertThat(c.param("DryRun")).isEqualTo("true"));
            assertThat(ec2.describeVolumes(b -> b.filters(Filter.builder().name("tag-key").values(Tags.ROLE).build()))
                    .volumes()).filteredOn(v -> !"deleting".equals(v.stateAsString())).isEmpty();
            assertThat(ec2.describeInstances(b -> b.filters(Filter.builder().name("tag-key").values(Tags.ROLE).build()))
                    .reservations().stream().flatMap(r -> r.instances().stream())
                    .filter(i -> !"terminated".equals(i.state().nameAsString()))).isEmpty();
        }
    }

    /** Runs commands on this machine, but the conversion itself times out or is cancelled. */
    private static SsmCommandExecutor faultyDuringConversion(SsmCommandExecutor worker, String fault,
                                                             AtomicReference<SsmClient> ssm) {
        return command -> {
            if (!command.script().contains("pv2hvm-install-extlinux")) {
                return worker.execute(command);
            }
            if ("TimedOut".equals(fault)) {
                return new SsmCommandResult(124, "", "command timed out");
            }
            cancel(ssm.get(), command);
            Thread.sleep(60_000); // interrupted by the cancel
            throw new IllegalStateException("the cancel did not arrive");
        };
    }

    private static void cancel(SsmClient ssm, SsmCommand command) {
        new Thread(() -> ssm.cancelCommand(b -> b.commandId(command.commandId()).instanceIds(command.instanceId())))
                .start();
    }
}
