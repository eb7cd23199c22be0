package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.IssuedCredentials;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.RecordedCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pv2hvm} in its own JVM, as a user runs it, with credentials the way AWS users have them:
 * an AWS config file with an assume-role profile, a {@code credential_process} profile, an IAM
 * Identity Center (SSO) profile after {@code aws sso login}, and web identity from the environment
 * (IRSA). The emulator knows only the source keys, so every EC2 and
 * SSM call it accepts was signed with the credentials the profile really produced; the journal
 * names them.
 */
class ProfileCredentialsTest {
    private static final String SCALE = System.getProperty("pv2hvm.emulator.timeScale", "0.002");
    private static final String SOURCE_KEY = "AKIASOURCE0000000001";
    private static final String PROCESS_KEY = "AKIAPROCESS000000001";
    private static final String ROLE = "arn:aws:iam::123456789012:role/pv2hvm-migrator";
    private static final String SSO_TOKEN = "aoa-sso-access-token-of-a-signed-in-user";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private Ec2Emulator emulator;

    private void startEmulator() {
        emulator = Ec2Emulator.builder().latency(LatencyModel.realistic().withTimeScale(Double.parseDouble(SCALE)))
                .ssmExecutor(new SimulatedWorker()).world(SandboxWorld.simulated())
                .accessKey(SOURCE_KEY, "source-secret").accessKey(PROCESS_KEY, "process-secret").role(ROLE)
                .ssoAccessToken(SSO_TOKEN)
                .build().start();
    }

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.stop();
        }
    }

    /** The result of one {@code pv2hvm} process. */
    private record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
        }
    }

    /** Runs {@code pv2hvm args...} in a new JVM with only the AWS settings in {@code env} (and HOME in the temp dir). */
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
        Path out = home.resolve("stdout");
        Path err = home.resolve("stderr");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly().waitFor();
        }
        Run run = new Run(finished ? p.exitValue() : -1, Files.readString(out), Files.readString(err));
        assertThat(finished).as(run.toString()).isTrue();
        return run;
    }

    private List<String> emulatorArgs(String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(List.of("--endpoint-url", emulator.endpoint().toString(), "--emulator-time-scale", SCALE));
        return argv;
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(home.resolve(name), text, StandardCharsets.UTF_8);
    }

    private Map<String, String> files(Path config, Path credentials) {
        return Map.of("AWS_CONFIG_FILE", config.toString(), "AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
    }

    /** The EC2 and SSM calls in the journal (the CLI's, when taken before the test makes any). */
    private List<RecordedCall> ec2AndSsmCalls() {
        return emulator.journal().all().stream().filter(c -> c.service().equals("ec2") || c.service().equals("ssm"))
                .toList();
    }

    @Test
    void migrate_withAnAssumeRoleProfile_signsEveryEc2AndSsmCallWithTheRolesCredentials() throws Exception {
        startEmulator();
        Path config = write("config", """
                [profile source]
                region = us-east-1

                [profile p]
                role_arn = %s
                source_profile = source
                role_session_name = pv2hvm-cli
                region = us-east-1
                """.formatted(ROLE));
        Path credentials = write("credentials", """
                [source]
                aws_access_key_id = %s
                aws_secret_access_key = source-secret
                """.formatted(SOURCE_KEY));
        Map<String, String> env = new java.util.HashMap<>(files(config, credentials));
        // STS through the SDK's service-specific endpoint setting; --endpoint-url moves EC2 and SSM only.
        env.put("AWS_ENDPOINT_URL_STS", emulator.endpoint().toString());

        Run run = pv2hvm(env, emulatorArgs("migrate", SandboxWorld.SOURCE, "--profile", "p", "--preserve-ips",
                "--instance-type", "m5.large", "--simulate-guest", "--yes", "--json",
                "--worker-profile", SandboxWorld.WORKER_PROFILE, "--journal-dir",
                home.resolve("journal").toString()).toArray(String[]::new));

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.json().path("newInstanceId").asText()).startsWith("i-");
        List<IssuedCredentials> issued = emulator.issuedCredentials();
        assertThat(issued).as("one role session for the whole command, shared by its EC2 and SSM clients")
                .singleElement().satisfies(i -> {
                    assertThat(i.roleArn()).isEqualTo(ROLE);
                    assertThat(i.sessionName()).isEqualTo("pv2hvm-cli");
                    assertThat(i.callerAccessKey()).isEqualTo(SOURCE_KEY);
                });
        List<RecordedCall> calls = ec2AndSsmCalls();
        assertThat(calls).extracting(RecordedCall::action).contains("RunInstances", "SendCommand", "TerminateInstances");
        assertThat(calls).extracting(RecordedCall::accessKeyId).containsOnly(issued.get(0).accessKeyId());
    }

    @Test
    void inventory_withACredentialProcessProfile_usesTheKeysTheProcessPrints() throws Exception {
        startEmulator();
        Path process = write("credentials-helper", """
                #!/bin/sh
                set -eu
                echo '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "process-secret"}'
                """.formatted(PROCESS_KEY));
        Files.setPosixFilePermissions(process, PosixFilePermissions.fromString("rwx------"));
        Path config = write("config", """
                [profile proc]
                credential_process = %s
                region = us-east-1
                """.formatted(process));

        Run run = pv2hvm(files(config, home.resolve("no-credentials-file")),
                emulatorArgs("inventory", "--json", "--profile", "proc").toArray(String[]::new));

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains(SandboxWorld.SOURCE);
        assertThat(ec2AndSsmCalls()).isNotEmpty().extracting(RecordedCall::accessKeyId).containsOnly(PROCESS_KEY);
        assertThat(emulator.issuedCredentials()).isEmpty();
    }

    @Test
    void inventory_withWebIdentityFromTheEnvironment_assumesTheRoleThroughTheDefaultChain() throws Exception {
        startEmulator();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String claims = "{\"iss\":\"https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE\","
                + "\"sub\":\"system:serviceaccount:ops:pv2hvm\",\"aud\":\"sts.amazonaws.com\",\"exp\":"
                + Instant.now().plusSeconds(3600).getEpochSecond() + "}";
        Path token = write("token", b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln");
        // What IRSA puts in a pod's environment.
        Map<String, String> env = Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString(), "AWS_ROLE_ARN", ROLE,
                "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_STS", emulator.endpoint().toString(),
                "AWS_CONFIG_FILE", home.resolve("no-config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-credentials").toString());

        Run run = pv2hvm(env, emulatorArgs("inventory", "--json").toArray(String[]::new));

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(emulator.issuedCredentials()).singleElement()
                .satisfies(i -> assertThat(i.action()).isEqualTo("AssumeRoleWithWebIdentity"));
        assertThat(ec2AndSsmCalls()).isNotEmpty().extracting(RecordedCall::accessKeyId)
                .containsOnly(emulator.issuedCredentials().get(0).accessKeyId());
    }

    @Test
    void inventory_withAnIdentityCenterProfile_usesTheRoleCredentialsOfTheCachedSsoToken() throws Exception {
        startEmulator();
        Path config = write("config", """
                [profile sso]
                sso_session = corp
                sso_account_id = 123456789012
                sso_role_name = pv2hvm-migrator
                region = us-east-1

                [sso-session corp]
                sso_start_url = https://corp.awsapps.com/start
                sso_region = us-east-1
                """);
        // What 'aws sso login --sso-session corp' leaves: the token cached under the SHA-1 of the session name.
        Path cache = Files.createDirectories(home.resolve(".aws/sso/cache"));
        String name = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                .digest("corp".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(cache.resolve(name + ".json"), """
                {"accessToken": "%s", "expiresAt": "%s", "region": "us-east-1",
                 "startUrl": "https://corp.awsapps.com/start"}
                """.formatted(SSO_TOKEN, Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        Map<String, String> env = new java.util.HashMap<>(files(config, home.resolve("no-credentials")));
        env.put("AWS_ENDPOINT_URL_SSO", emulator.endpoint().toString());

        Run run = pv2hvm(env, emulatorArgs("inventory", "--json", "--profile", "sso").toArray(String[]::new));

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(emulator.issuedCredentials()).singleElement().satisfies(i -> {
            assertThat(i.action()).isEqualTo("GetRoleCredentials");
            assertThat(i.roleArn()).isEqualTo(ROLE);
        });
        assertThat(ec2AndSsmCalls()).isNotEmpty()
                .extracting(RecordedCall::accessKeyId).containsOnly(emulator.issuedCredentials().get(0).accessKeyId());
    }

    @Test
    void theSsoPortal_refusesAnUnknownTokenAndARoleItDoesNotKnow_andIssuesNothing() {
        startEmulator();
        try (software.amazon.awssdk.services.sso.SsoClient sso = software.amazon.awssdk.services.sso.SsoClient.builder()
                .endpointOverride(emulator.endpoint()).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                .build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> sso.getRoleCredentials(r -> r.accessToken("stale")
                            .accountId("123456789012").roleName("pv2hvm-migrator")))
                    .isInstanceOf(software.amazon.awssdk.services.sso.model.UnauthorizedException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> sso.getRoleCredentials(r -> r.accessToken(SSO_TOKEN)
                            .accountId("123456789012").roleName("someone-elses-role")))
                    .isInstanceOf(software.amazon.awssdk.services.sso.model.SsoException.class)
                    .satisfies(e -> assertThat(((software.amazon.awssdk.services.sso.model.SsoException) e).statusCode())
                            .isEqualTo(403));
        }
        assertThat(emulator.issuedCredentials()).isEmpty();
    }

    @Test
    void aProfileThatDoesNotExist_isAUsageErrorThatCallsNothing() throws Exception {
        startEmulator();
        Path config = write("config", "[profile other]\nregion = us-east-1\n");

        Run run = pv2hvm(files(config, home.resolve("no-credentials")),
                emulatorArgs("migrate", SandboxWorld.SOURCE, "--profile", "p", "--yes", "--simulate-guest",
                        "--journal-dir", home.resolve("journal").toString()).toArray(String[]::new));

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("No profile 'p'").contains("aws configure --profile p");
        assertThat(emulator.journal().all()).isEmpty();
    }
}
