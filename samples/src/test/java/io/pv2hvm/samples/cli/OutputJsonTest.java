package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The global {@code --output json}: stdout is one JSON document on success, stderr one JSON
 * document on failure ({@code {"error":{"code","message"}}}) with the text mode's exit code, and
 * the old per-command {@code --json} means the same.
 */
class OutputJsonTest {
    private static final String SCALE = "0.002";
    private static final String PROTECTED = "i-0badbadbadbadbad0";
    private static final String STORE_IMAGE = "ami-0123401234012340a";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @TempDir
    Path journalDir;

    private Ec2Emulator emulator;

    @BeforeEach
    void start() {
        emulator = Ec2Emulator.builder().latency(LatencyModel.realistic().withTimeScale(Double.parseDouble(SCALE)))
                .ssmExecutor(new SimulatedWorker())
                .world(SandboxWorld.simulatedBuilder()
                        .image(ImageSeed.pv(STORE_IMAGE, "legacy-pv").kernelId(SandboxWorld.PV_GRUB_KERNEL)
                                .instanceStore("/dev/sdb"))
                        .instance(InstanceSeed.of(PROTECTED, STORE_IMAGE).instanceType("m1.small")
                                .privateIp("10.0.1.30").instanceStore("/dev/sdb").disableApiTermination(true)
                                .stopped().tag("Name", "legacy-db")).build())
                .build().start();
    }

    @AfterEach
    void stop() {
        emulator.stop();
    }

    private String[] against(String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(List.of("--endpoint-url", emulator.endpoint().toString(), "--emulator-time-scale", SCALE));
        return argv.toArray(String[]::new);
    }

    @Test
    void outputJson_beforeOrAfterTheCommand_printsTheSameDocumentAsTheOldJsonFlag() {
        Cli.Run global = Cli.run(against("--output", "json", "plan", SandboxWorld.SOURCE, "--preserve-ips"));
        Cli.Run after = Cli.run(against("plan", SandboxWorld.SOURCE, "--preserve-ips", "--output=JSON"));
        Cli.Run old = Cli.run(against("plan", SandboxWorld.SOURCE, "--preserve-ips", "--json"));
        Cli.Run text = Cli.run(against("plan", SandboxWorld.SOURCE, "--preserve-ips", "--output", "text"));

        assertThat(global.exit()).as(global.toString()).isZero();
        assertThat(global.json().path("instanceId").asText()).isEqualTo(SandboxWorld.SOURCE);
        assertThat(after.json()).isEqualTo(global.json());
        assertThat(old.json()).isEqualTo(global.json());
        assertThat(text.out()).contains("Plan for " + SandboxWorld.SOURCE);
        assertThat(emulator.journal().all()).isEmpty();
    }

    @Test
    void inventory_outputJson_isAnArrayOfInstances() {
        Cli.Run run = Cli.run(against("inventory", "--output", "json", "--worker-profile",
                SandboxWorld.WORKER_PROFILE));

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.json().isArray()).isTrue();
        assertThat(run.json().findValuesAsText("instanceId")).contains(SandboxWorld.SOURCE, PROTECTED);
    }

    @Test
    void preflightBlocked_inJson_isAnErrorDocumentOnStderr_withEveryBlocker_exit3_andNothingChanged() {
        Cli.Run run = Cli.run(against("--output", "json", "migrate", PROTECTED, "--preserve-ips", "--yes",
                "--worker-profile", SandboxWorld.WORKER_PROFILE, "--journal-dir", journalDir.toString()));

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.BLOCKED);
        assertThat(run.out()).isEmpty();
        JsonNode error = error(run);
        assertThat(error.path("code").asText()).isEqualTo("PreflightBlocked");
        assertThat(error.path("message").asText()).contains("cannot be migrated yet (2 blockers)");
        assertThat(error.path("blockers").findValuesAsText("code"))
                .containsExactlyInAnyOrder("INSTANCE_STORE_DATA", "TERMINATION_PROTECTION");
        assertThat(error.path("blockers").get(0).path("fix").asText()).isNotBlank();
        assertThat(error.has("cause")).as("the stack trace only with --debug").isFalse();
        assertThat(emulator.journal().mutatingCalls()).allSatisfy(c -> assertThat(c.param("DryRun")).isEqualTo("true"));
    }

    @Test
    void usageErrors_inJson_areUsageErrorDocuments_exit2() {
        assertUsageError(Cli.run("--output", "json", "plan", "i-nothex"), "'i-nothex' is not a valid EC2 instance id");
        assertUsageError(Cli.run("plan", SandboxWorld.SOURCE, "--no-such-option", "--output", "json"), "--no-such-option");
        assertUsageError(Cli.run("--output", "json", "frobnicate"), "frobnicate");
        assertUsageError(Cli.run(against("--output", "json", "migrate", SandboxWorld.SOURCE)),
                "--output json needs --yes");
        assertUsageError(Cli.run("--output", "json", "completion", "bash"), "prints a shell script");
        assertUsageError(Cli.run("--output", "json", "bench", "startup", "--runs", "1"), "prints a markdown table");
        assertThat(emulator.journal().mutatingCalls()).isEmpty();
    }

    @Test
    void anUnknownFormat_isRefusedWithTheValidOnes() {
        Cli.Run run = Cli.run("--output", "yaml", "iam-policy");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("yaml").contains("TEXT").contains("JSON");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnreachableEndpoint_inJson_namesTheSetupErrorCode_exit1_andDebugAddsTheCause() {
        Cli.Run run = Cli.run("--output", "json", "inventory", "--endpoint-url", "http://127.0.0.1:9");
        Cli.Run debug = Cli.run("--output", "json", "--debug", "inventory", "--endpoint-url", "http://127.0.0.1:9");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        JsonNode error = error(run);
        assertThat(error.path("code").asText()).isEqualTo("EndpointConnectionError");
        assertThat(error.path("message").asText()).startsWith("Could not connect to the endpoint URL: \"http://127.0.0.1:9\"");
        assertThat(debug.exit()).isEqualTo(ExitCode.FAILED);
        String stderr = debug.err();
        JsonNode withCause = parse(stderr.substring(stderr.lastIndexOf("{\n  \"error\"")));
        assertThat(withCause.path("error").path("cause").asText()).contains("Exception");
    }

    @Test
    void textErrors_stayText() {
        Cli.Run run = Cli.run("plan", "i-nothex");

        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).startsWith("error: ").doesNotContain("\"error\"");
    }

    @Test
    void version_inJson() {
        Cli.Run run = Cli.run("--output", "json", "--version");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.json().path("version").asText()).startsWith("pv2hvm ");
    }

    @Test
    void emulator_inJson_printsItsEndpoint() throws Exception {
        AtomicReference<Cli.Run> result = new AtomicReference<>();
        java.io.StringWriter out = new java.io.StringWriter();
        Thread t = new Thread(() -> result.set(new Cli.Run(Pv2hvm.execute(new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(new java.io.StringWriter(), true), "--output", "json", "emulator", "--port", "0"),
                out.toString(), "")));
        t.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!out.toString().contains("}") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        t.interrupt();
        t.join(30_000);

        JsonNode doc = parse(out.toString());
        assertThat(doc.path("endpoint").asText()).startsWith("http://");
        assertThat(doc.path("region").asText()).isEqualTo(Ec2Emulator.REGION);
        assertThat(result.get().exit()).isZero();
    }

    private static void assertUsageError(Cli.Run run, String message) {
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).as(run.toString()).isEmpty();
        JsonNode error = error(run);
        assertThat(error.path("code").asText()).isEqualTo("UsageError");
        assertThat(error.path("message").asText()).contains(message);
    }

    /** Stderr must be exactly one JSON document with one "error" object. */
    private static JsonNode error(Cli.Run run) {
        JsonNode doc = parse(run.err());
        assertThat(doc.fieldNames()).toIterable().containsExactly("error");
        return doc.path("error");
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
