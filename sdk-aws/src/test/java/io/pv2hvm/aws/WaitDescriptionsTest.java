package io.pv2hvm.aws;

import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a migration's waits tell its listener: each wait names what it waits for, status checks
 * count up with the instance's role, and a snapshot reports the progress EC2 gives in
 * DescribeSnapshots.
 */
class WaitDescriptionsTest extends EmulatorTestBase {
    private static final String SOURCE = "i-0123456789abcdef0";

    private final List<String> waits = new CopyOnWriteArrayList<>();
    private final List<String> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        start(EmulatedAws.world(EmulatedAws.webServer(), EmulatedAws.pvImage()).build());
    }

    @Test
    void waits_nameWhatTheyWaitFor_statusChecksCountUp_andSnapshotsCarryEc2sPercent() {
        migration(SOURCE, SimulatedGuest.typical(), new EmulatedAws.FakeWorker()).withListener(event -> {
            if (event instanceof MigrationEvent.StepWaiting waiting) {
                waits.add(waiting.step() + ": " + waiting.what());
            } else if (event instanceof MigrationEvent.StepProgress p) {
                progress.add(Math.round(p.percent()) + "|" + p.detail());
            }
        }).run();

        assertThat(waits).anyMatch(w -> w.startsWith("verify-trial-instance: instance i-") && w.endsWith(" to be running"))
                .anyMatch(w -> w.matches("verify-trial-instance: trial-instance i-[0-9a-f]+ status checks 2/2"));
        Pattern snapshot = Pattern.compile("(\\d+)\\|snapshot snap-[0-9a-f]+ (\\d+)%");
        assertThat(progress).anyMatch(p -> p.matches("100\\|snapshot snap-[0-9a-f]+ 100%"));
        for (String p : progress) {
            Matcher m = snapshot.matcher(p);
            if (m.matches()) {
                assertThat(m.group(2)).as("the text says the percent the bar shows").isEqualTo(m.group(1));
            }
        }
    }
}
