package io.pv2hvm.aws;

import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A source's user data often carries secrets. It must reach the new instance, and nothing
 * else a user sees: not the logs, the result (text or JSON), nor a failure's message.
 */
class SecretsTest extends EmulatorTestBase {
    private static final String SECRET = "DB_PASSWORD=hunter2-Xq9";

    @Test
    void userData_reachesTheNewInstance_butNoLogResultOrErrorText() {
        String plain = "#!/bin/sh\nexport " + SECRET + "\n";
        String userData = Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)); // as EC2 returns it
        start(EmulatedAws.world(EmulatedAws.webServer().userData(plain), EmulatedAws.pvImage()).build());
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        MigrationResult result;
        StepFailedException failure;
        String onNewInstance;
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            result = migration(EmulatedAws.SOURCE, SimulatedGuest.typical(), new EmulatedAws.FakeWorker())
                    .preservingIps().run();
            onNewInstance = ec2.describeInstanceAttribute(b -> b.instanceId(result.newInstanceId())
                    .attribute("userData")).userData().value();
            start(EmulatedAws.world(EmulatedAws.webServer().userData(plain), EmulatedAws.pvImage()).build());
            failure = catchThrowableOfType(StepFailedException.class, () -> migration(EmulatedAws.SOURCE,
                    SimulatedGuest.typical(), new EmulatedAws.FakeWorker()).preservingIps()
                    .withStepAfter(Phase.CUTOVER, new Step() {
                        @Override
                        public String name() {
                            return "fail-late";
                        }

                        @Override
                        public void run(StepContext context) {
                            throw new MigrationException("late failure");
                        }
                    }).run());
        } finally {
            System.setErr(stderr);
        }

        String seen = logs.toString(StandardCharsets.UTF_8) + result.toText() + result.toJson() + failure.getMessage();
        assertThat(logs.size()).as("logs were captured").isPositive();
        assertThat(seen).doesNotContain(SECRET).doesNotContain(userData).doesNotContain("hunter2");
        assertThat(onNewInstance).isEqualTo(userData);
    }
}
