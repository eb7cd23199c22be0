package io.pv2hvm.aws;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.guest.ConversionRecipe;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.DataVolumes;
import io.pv2hvm.core.guest.DeviceLookup;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.core.spi.ProgressSink;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * IN_PLACE's final round, inside the downtime window, is ONE worker command when the guest is the
 * one the trial round converted: the step finds the volume, inspects and converts inside it. When
 * the guest changed between the rounds, that command converts nothing and the round checks and
 * converts with separate commands, as without the trial's recipe.
 */
class FinalRoundCommandsTest extends EmulatorTestBase {
    private final EmulatedAws.FakeWorker worker = new EmulatedAws.FakeWorker();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private volatile String step = "";

    @BeforeEach
    void start() {
        start(EmulatedAws.webServerWorld().build());
    }

    @Test
    void finalInPlaceRound_onTheTrialsGuest_sendsOneWorkerCommand() {
        SimulatedGuest guest = SimulatedGuest.typical();

        MigrationResult r = migration(SOURCE, guest, worker).preservingIps().withStrategy(ConversionStrategy.IN_PLACE)
                .withTransport(recording()).withListener(steps()).run();

        assertThat(r.newInstanceId()).isNotBlank();
        assertThat(commandsOf("convert-final")).containsExactly(SimulatedGuest.PLANNED_COMMAND);
        assertThat(commandsOf("convert-trial")).as("the trial finds its volume with a command of its own")
                .contains("find-device.sh").doesNotContain(SimulatedGuest.PLANNED_COMMAND);
        assertThat(guest.conversions()).as("trial and final").isEqualTo(2);
    }

    @Test
    void finalInPlaceRound_whenTheGuestChangedSinceTheTrial_convertsWithSeparateCommandsAfterTheOneThatWroteNothing() {
        SimulatedGuest atTrial = SimulatedGuest.typical();
        SimulatedGuest atStop = SimulatedGuest.typical().withFstabEntry("/dev/xvdh", "/scratch");

        MigrationResult r = migration(SOURCE, changingAtFinalRound(atTrial, atStop), worker).preservingIps()
                .withStrategy(ConversionStrategy.IN_PLACE).withTransport(recording()).withListener(steps()).run();

        assertThat(r.newInstanceId()).isNotBlank();
        assertThat(commandsOf("convert-final")).first().isEqualTo(SimulatedGuest.PLANNED_COMMAND);
        assertThat(commandsOf("convert-final")).as("then the separate path: the device found again").contains("find-device.sh");
        assertThat(atStop.conversions()).as("the fallback converted the changed guest once").isEqualTo(1);
        assertThat(atStop.lastFstab()).anySatisfy(l -> assertThat(l).contains("/scratch"));
    }

    /** The transport, recording each command's job (a script's name, or the simulated one) with the running step. */
    private CommandTransport recording() {
        return new CommandTransport() {
            @Override
            public CommandResult exec(Command command, Consumer<OutputLine> output) {
                List<String> argv = command.argv();
                String job = argv.size() > 3 && argv.get(0).equals("bash") && argv.get(1).equals("-c") ? argv.get(3)
                        : String.join(" ", argv).contains(SimulatedGuest.PLANNED_COMMAND) ? SimulatedGuest.PLANNED_COMMAND
                        : argv.get(0);
                commands.add(step + " " + job);
                return worker.exec(command, output);
            }

            @Override
            public void upload(byte[] content, String remotePath, int mode) {
                worker.upload(content, remotePath, mode);
            }

            @Override
            public String describe() {
                return "recording " + worker.describe();
            }
        };
    }

    private MigrationListener steps() {
        return event -> {
            if (event instanceof MigrationEvent.StepStarted started) {
                step = started.step();
            }
        };
    }

    private List<String> commandsOf(String stepName) {
        return commands.stream().filter(c -> c.startsWith(stepName + " ")).map(c -> c.substring(stepName.length() + 1)).toList();
    }

    /** {@code atTrial} until the final round starts, then {@code atStop}: a workload changed the guest in between. */
    private GuestConversion changingAtFinalRound(SimulatedGuest atTrial, SimulatedGuest atStop) {
        return new GuestConversion() {
            private GuestConversion now() {
                return step.equals("convert-final") ? atStop : atTrial;
            }

            @Override
            public GuestFacts inspect(CommandTransport transport, String device) {
                return now().inspect(transport, device);
            }

            @Override
            public GuestFacts check(CommandTransport transport, ConversionStrategy strategy, String device, TargetPlatform target) {
                return now().check(transport, strategy, device, target);
            }

            @Override
            public ConversionResult convert(CommandTransport transport, ConversionStrategy strategy, String sourceDevice,
                                            String targetDevice, TargetPlatform target, DataVolumes dataVolumes,
                                            ProgressSink progress) {
                return now().convert(transport, strategy, sourceDevice, targetDevice, target, dataVolumes, progress);
            }

            @Override
            public Optional<ConversionResult> convertAsPlanned(CommandTransport transport, DeviceLookup device,
                                                               ConversionRecipe recipe, DataVolumes dataVolumes,
                                                               ProgressSink progress) {
                return now().convertAsPlanned(transport, device, recipe, dataVolumes, progress);
            }
        };
    }
}
