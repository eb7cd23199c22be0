package io.pv2hvm.aws;

import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static io.pv2hvm.aws.EmulatedAws.SOURCE_IP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The downtime window ends when the new instance serves, as the user's health command sees it:
 * console text alone (which the emulator, like EC2, prints long before a service answers) does
 * not end it.
 */
class DowntimeWindowEndTest extends EmulatorTestBase {
    private static final String HEALTH = "curl -fsS http://$INSTANCE_IP/health";

    /** A worker whose health probe of the preserved IP fails a few times before the service answers. */
    private static final class ServiceStartingWorker implements CommandTransport {
        final EmulatedAws.FakeWorker worker = new EmulatedAws.FakeWorker();
        final List<String> probedIps = new CopyOnWriteArrayList<>();
        final AtomicInteger failuresLeft = new AtomicInteger(2);

        @Override
        public CommandResult exec(Command command, Consumer<OutputLine> output) {
            if (!command.argv().contains(HEALTH)) {
                return worker.exec(command, output);
            }
            String ip = command.environment().get("INSTANCE_IP");
            probedIps.add(ip);
            boolean down = SOURCE_IP.equals(ip) && failuresLeft.getAndDecrement() > 0;
            return new CommandResult(down ? 7 : 0, "", down ? "curl: (7) Failed to connect" : "", Duration.ZERO, false);
        }

        @Override
        public void upload(byte[] content, String remotePath, int mode) {
            worker.upload(content, remotePath, mode);
        }

        @Override
        public String describe() {
            return "worker whose service starts late";
        }
    }

    @BeforeEach
    void start() {
        start(EmulatedAws.world(EmulatedAws.webServer(), EmulatedAws.pvImage()).build());
    }

    @Test
    void withAHealthCommand_theWindowEndsOnlyWhenItPassesAgainstTheNewInstance() {
        ServiceStartingWorker worker = new ServiceStartingWorker();

        MigrationResult r = migration(SOURCE, SimulatedGuest.typical(), worker.worker).withTransport(worker).preservingIps().withHealthCommand(HEALTH).run();

        List<String> probesOfNew = worker.probedIps.stream().filter(SOURCE_IP::equals).toList();
        assertThat(probesOfNew).as("two failed probes, then the passing one that ends the window").hasSize(3);
        assertThat(worker.failuresLeft.get()).isNegative();
        assertThat(worker.probedIps.get(0)).as("the trial instance is probed first, at its own IP").isNotEqualTo(SOURCE_IP);
        assertThat(r.downtimeSteps()).extracting(s -> s.step()).last().isEqualTo("await-new-instance-boot");
    }
}
