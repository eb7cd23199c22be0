package io.pv2hvm.samples.cli;

import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --debug} logs the EC2 calls on the wire (the signed request and the response, bodies
 * included) on stderr, with the signature and session token redacted; without it, nothing.
 */
class DebugWireLogTest {
    /** A session token as STS issues them: it goes on the wire in X-Amz-Security-Token. */
    private static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN0123456789";

    private Ec2Emulator emulator;
    private String previousToken;

    @BeforeEach
    void start() {
        emulator = Ec2Emulator.builder().ssmExecutor(new SimulatedWorker()).world(SandboxWorld.simulated()).build().start();
        previousToken = System.getProperty("aws.sessionToken");
        // Temporary credentials: the system-property provider (first in the default chain) sends the token.
        System.setProperty("aws.sessionToken", SESSION_TOKEN);
    }

    @AfterEach
    void stop() {
        if (previousToken == null) {
            System.clearProperty("aws.sessionToken");
        } else {
            System.setProperty("aws.sessionToken", previousToken);
        }
        emulator.stop();
    }

    @Test
    void debug_logsEachRequestAndResponse_withTheSecretsRedacted() {
        Cli.Run run = Cli.run("--debug", "inventory", "--endpoint-url", emulator.endpoint().toString(),
                "--worker-profile", SandboxWorld.WORKER_PROFILE);

        assertThat(run.exit()).as(run.toString()).isZero();
        String err = run.err();
        assertThat(err).as("the request line, its query body and the response body")
                .containsPattern("> \\S*DescribeInstances: POST " + emulator.endpoint())
                .contains("> Action=DescribeInstances")
                .contains("< <DescribeInstancesResponse")
                .contains(SandboxWorld.SOURCE);
        assertThat(err).containsIgnoringCase("> Authorization: <redacted>")
                .containsIgnoringCase("> X-Amz-Security-Token: <redacted>");
        assertThat(err).doesNotContain(SESSION_TOKEN).doesNotContain("Signature=").doesNotContain("Credential=")
                .doesNotContain(System.getProperty("aws.secretAccessKey"));
        assertThat(run.out()).as("stdout stays the command's output").doesNotContain("Action=DescribeInstances");
    }

    @Test
    void withoutDebug_nothingOfTheWireIsLogged() {
        Cli.Run run = Cli.run("inventory", "--endpoint-url", emulator.endpoint().toString(),
                "--worker-profile", SandboxWorld.WORKER_PROFILE);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.err()).doesNotContain("Action=DescribeInstances").doesNotContain("Authorization");
    }
}
