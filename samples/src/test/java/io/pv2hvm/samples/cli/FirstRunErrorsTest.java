package io.pv2hvm.samples.cli;

import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.RecordedCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pv2hvm} in its own JVM, as a new user first runs it: with no credentials at all (an empty
 * environment and an empty HOME), an expired SSO session, an endpoint nobody listens on, and an
 * emulator that answers EC2's access-denied and expired-request codes. Each gets the short message
 * of {@link SetupErrors}; the SDK's long text appears only with {@code --debug}.
 */
class FirstRunErrorsTest {
    private static final String SOURCE = "i-0123456789abcdef0";

    @TempDir
    Path home;

    private Ec2Emulator emulator;

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.stop();
        }
    }

    private record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
        }
    }

    /** {@code pv2hvm args...} in a new JVM whose environment has no AWS_ variable but {@code env}, and HOME in the temp dir. */
    private Run pv2hvm(Map<String, String> env, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-cp", classpath,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-Duser.home=" + home, Pv2hvm.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(home, "stdout", ".txt");
        Path err = Files.createTempFile(home, "stderr", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean finished = p.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly().waitFor();
        }
        Run run = new Run(finished ? p.exitValue() : -1, Files.readString(out), Files.readString(err));
        assertThat(finished).as(run.toString()).isTrue();
        return run;
    }

    @Test
    void plan_withNoRegionAndNoCredentials_printsThePlan() throws Exception {
        Run plan = pv2hvm(noFiles(), "plan", SOURCE, "--preserve-ips");

        assertThat(plan.exit()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("Plan for " + SOURCE).contains("terminate-source");
        assertThat(plan.err()).as(plan.toString()).isEmpty();
    }

    private Map<String, String> noFiles() {
        return Map.of("AWS_CONFIG_FILE", home.resolve("no-config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-credentials").toString());
    }

    @Test
    void noCredentials_inventoryAndMigrate_sayUnableToLocateCredentials_andTheChainDumpOnlyWithDebug() throws Exception {
        String expected = "error: Unable to locate credentials. You can configure credentials by running \"aws configure\".\n"
                + "Or sign in with 'aws sso login --profile NAME', or pick a profile with AWS_PROFILE=NAME or --profile NAME.\n";

        Run inventory = pv2hvm(Map.of(), "inventory", "--region", "eu-west-1");
        assertThat(inventory.exit()).as(inventory.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(inventory.err()).as(inventory.toString()).isEqualTo(expected + "(--debug shows the full cause)\n");

        Run migrate = pv2hvm(Map.of(), "migrate", SOURCE, "--region", "eu-west-1", "--yes",
                "--journal-dir", home.resolve("journal").toString());
        assertThat(migrate.exit()).as(migrate.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(migrate.err()).as(migrate.toString()).startsWith(expected).doesNotContain("Provider");

        Run debug = pv2hvm(Map.of(), "inventory", "--region", "eu-west-1", "--debug");
        assertThat(debug.err()).as(debug.toString()).startsWith(expected)
                .contains("Unable to load credentials from any of the providers in the chain")
                .contains("SystemPropertyCredentialsProvider").contains("\tat ");
    }

    @Test
    void unreachableEndpoint_namesTheUrlAndTheRegion() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // closed again when the JVM under test connects
        }
        Map<String, String> env = new HashMap<>(noFiles());
        env.put("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE000000001");
        env.put("AWS_SECRET_ACCESS_KEY", "secret");
        String url = "http://127.0.0.1:" + closedPort;

        Run run = pv2hvm(env, "inventory", "--region", "eu-west-1", "--endpoint-url", url);

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).as(run.toString()).isEqualTo("error: Could not connect to the endpoint URL: \"" + url
                + "\" (region eu-west-1).\n"
                + "Check --endpoint-url for a typo and that the service listens there; and HTTPS_PROXY/NO_PROXY.\n"
                + "(--debug shows the full cause)\n");
        Run debug = pv2hvm(env, "inventory", "--region", "eu-west-1", "--endpoint-url", url, "--debug");
        assertThat(debug.err()).as(debug.toString()).contains("Connection refused");
    }

    @Test
    void expiredSsoSession_saysSsoLoginWithTheProfile() throws Exception {
        Path config = Files.writeString(home.resolve("config"), """
                [profile dev]
                sso_session = corp
                sso_account_id = 123456789012
                sso_role_name = pv2hvm-migrator
                region = eu-west-1

                [sso-session corp]
                sso_start_url = https://corp.awsapps.com/start
                sso_region = eu-west-1
                """);
        // What 'aws sso login' left yesterday: a token that expired an hour ago, without a refresh token.
        Path cache = Files.createDirectories(home.resolve(".aws/sso/cache"));
        String name = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                .digest("corp".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(cache.resolve(name + ".json"), """
                {"accessToken": "aoa-expired", "expiresAt": "%s", "region": "eu-west-1",
                 "startUrl": "https://corp.awsapps.com/start"}
                """.formatted(Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)));

        Run run = pv2hvm(Map.of("AWS_CONFIG_FILE", config.toString(),
                "AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-credentials").toString()), "inventory", "--profile", "dev");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).as(run.toString()).isEqualTo("error: Your SSO session has expired.\n"
                + "Sign in again with: aws sso login --profile dev\n(--debug shows the full cause)\n");
    }

    private Run againstEmulatorAnswering(String action, String code, String message, String... extra) throws Exception {
        emulator = Ec2Emulator.builder().latency(LatencyModel.realistic().withTimeScale(0.002))
                .ssmExecutor(new SimulatedWorker()).world(SandboxWorld.simulated()).build().start();
        emulator.faults().failNext(action, 100, code, message);
        Map<String, String> env = new HashMap<>(noFiles());
        env.put("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE000000001");
        env.put("AWS_SECRET_ACCESS_KEY", "secret");
        List<String> args = new ArrayList<>(List.of(extra));
        args.addAll(List.of("--region", "us-east-1", "--endpoint-url", emulator.endpoint().toString()));
        return pv2hvm(env, args.toArray(String[]::new));
    }

    private List<String> mutatingCalls() {
        return emulator.journal().all().stream().map(RecordedCall::action)
                .filter(a -> !a.startsWith("Describe") && !a.startsWith("Get") && !a.startsWith("List")).toList();
    }

    @Test
    void accessDeniedOnTheFirstCall_pointsAtIamPolicy_andChangesNothing() throws Exception {
        Run run = againstEmulatorAnswering("DescribeInstances", "UnauthorizedOperation",
                "You are not authorized to perform this operation.", "inventory");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).as(run.toString()).isEqualTo("error: Access denied (UnauthorizedOperation) on"
                + " DescribeInstances: these credentials lack a permission pv2hvm needs.\n"
                + "Attach the policy 'pv2hvm iam-policy' prints to your role or user, then run the command again.\n"
                + "(--debug shows the full cause)\n");
        assertThat(mutatingCalls()).as("nothing was created").isEmpty();
    }

    @Test
    void clockSkew_saysSyncTheClock() throws Exception {
        Run run = againstEmulatorAnswering("DescribeInstances", "RequestExpired", "Request has expired.", "inventory");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).as(run.toString()).isEqualTo("error: AWS refused the request's time (RequestExpired):"
                + " this machine's clock is more than a few minutes off, or temporary credentials expired.\n"
                + "Sync the clock (e.g. 'timedatectl set-ntp true' or 'chronyc makestep'), refresh the credentials,"
                + " and run the command again.\n(--debug shows the full cause)\n");
    }
}
