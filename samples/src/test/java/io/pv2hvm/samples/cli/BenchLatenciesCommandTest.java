package io.pv2hvm.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyFile;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.world.World;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pv2hvm bench latencies} against the emulator through --endpoint-url; a bad file refused by bench migration and the emulator. */
class BenchLatenciesCommandTest {
    private static final String SCALE = "0.002";

    @TempDir
    Path dir;

    private Ec2Emulator emulator;

    @BeforeEach
    void start() {
        emulator = Ec2Emulator.builder().latency(LatencyModel.realistic().withTimeScale(Double.parseDouble(SCALE)))
                .ssmExecutor(new SimulatedWorker()).world(SandboxWorld.simulated()).build().start();
    }

    @AfterEach
    void stop() {
        emulator.stop();
    }

    private Cli.Run cli(String... args) {
        List<String> argv = new ArrayList<>(List.of("bench", "latencies"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--endpoint-url", emulator.endpoint().toString(), "--emulator-time-scale", SCALE));
        return Cli.run(argv.toArray(String[]::new));
    }

    @Test
    void withoutYes_itPrintsTheDryRunAndCreatesNothing() {
        Cli.Run r = cli("--subnet", World.SUBNET_A, "--out", dir.resolve("l.json").toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Dry run: nothing was created", "RunInstances: allowed", "Cost, at most",
                "Dry run only: pass --yes");
        assertThat(Files.exists(dir.resolve("l.json"))).isFalse();
        assertThat(emulator.journal().mutatingCalls()).isNotEmpty()
                .allSatisfy(c -> assertThat(c.param("DryRun")).isEqualTo("true"));
    }

    @Test
    void withYes_itMeasures_writesAFileThatLoads_andDeletesEverything() {
        Path file = dir.resolve("latencies.json");
        Cli.Run r = cli("--subnet", World.SUBNET_A, "--repeat", "1", "--instance-profile", SandboxWorld.WORKER_PROFILE,
                "--out", file.toString(), "--yes");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("| instancePending |", "| ssmRoundTrip (not in the model) |",
                "Replay it: pv2hvm bench migration --latencies " + file);
        LatencyFile read = LatencyFile.read(file);
        assertThat(read.region()).contains("us-east-1");
        assertThat(read.fromFile()).contains("instancePending", "statusChecks", "ssmAgentOnline", "snapshotBase");
        // Every instance the probe launched was terminated, and every volume, snapshot and image it created deleted.
        List<String> terminated = emulator.journal().calls("TerminateInstances").stream().filter(RecordedCall::succeeded)
                .map(c -> c.param("InstanceId.1")).toList();
        assertThat(emulator.journal().calls("RunInstances").stream().filter(c -> c.succeeded()
                && !"true".equals(c.param("DryRun")))).hasSize(2);
        assertThat(terminated).hasSize(2);
        assertThat(emulator.journal().calls("DeleteVolume").stream().filter(RecordedCall::succeeded)).hasSize(1);
        assertThat(emulator.journal().calls("DeregisterImage").stream().filter(RecordedCall::succeeded)).hasSize(1);
        assertThat(emulator.journal().calls("DeleteSnapshot").stream().filter(RecordedCall::succeeded)
                .map(c -> c.param("SnapshotId")).distinct()).hasSize(2);

        Cli.Run again = cli("--cleanup-only");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).contains("Nothing tagged pv2hvm:role=latency-probe was left.");
    }

    @Test
    void benchMigrationAndTheEmulatorRefuseABadFileNamingTheLine() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\n  \"format\" : \"pv2hvm-latency-model\",\n  \"version\" : 7,\n  \"latencies\" : {}\n}\n");

        Cli.Run bench = Cli.run("bench", "migration", "--latencies", bad.toString(), "--sizes", "8");
        assertThat(bench.exit()).as(bench.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(bench.err()).contains("line 3", "unknown version 7");
        Cli.Run emulatorRun = Cli.run("emulator", "--latencies", bad.toString(), "--port", "0");
        assertThat(emulatorRun.exit()).as(emulatorRun.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(emulatorRun.err()).contains("line 3", "unknown version 7");
    }

    @Test
    void withoutASubnet_orWithBadRepeat_itIsBadUsage() {
        assertThat(cli().exit()).isEqualTo(ExitCode.USAGE);
        assertThat(cli("--subnet", World.SUBNET_A, "--repeat", "0").exit()).isEqualTo(ExitCode.USAGE);
        Cli.Run unknown = cli("--subnet", "subnet-0ffffffffffffffff");
        assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("subnet-0ffffffffffffffff does not exist");
        assertThat(emulator.journal().mutatingCalls()).allSatisfy(c -> assertThat(c.param("DryRun")).isEqualTo("true"));
    }
}
