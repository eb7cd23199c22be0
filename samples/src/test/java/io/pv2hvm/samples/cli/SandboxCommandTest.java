package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.testkit.junit5.RequiresLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pv2hvm sandbox}: the whole migration against the emulator, in this JVM. */
@Execution(ExecutionMode.CONCURRENT)
class SandboxCommandTest {
    private static final String SCALE = System.getProperty("pv2hvm.emulator.timeScale", "0.002");

    @Test
    void sandbox_simulated_migratesThePvServerToHvmKeepingEveryIpAndSaysTheGuestWasSimulated() {
        Cli.Run run = Cli.run("sandbox", "--guest", "simulated", "--time-scale", SCALE, "--progress", "plain");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("guest: SIMULATED (no disk is written; SimulatedGuest) because --guest"
                        + " simulated was given.")
                .containsPattern("before: " + SandboxWorld.SOURCE + " +m1\\.large +paravirtual +10\\.0\\.1\\.10")
                .containsPattern("after: +i-[0-9a-f]{17} +m5\\.large +hvm +10\\.0\\.1\\.10")
                .contains("IPs kept: yes, all 4 (10.0.1.10, 10.0.1.11, 10.0.1.20, 198.51.100.200)")
                .contains("virtualization: paravirtual -> hvm")
                .containsPattern("new image: +ami-[0-9a-f]{17}")
                .containsPattern("backup image: +ami-[0-9a-f]{17}")
                .containsPattern("downtime: +\\d")
                .containsPattern("CUTOVER +terminate-source +\\d+ ms +\\(downtime\\)")
                // Real seconds and scaled EC2 latencies reported apart, the EC2 part also in EC2's time.
                .containsPattern("downtime window [\\d.]+ s real = local work [\\d.]+ s \\(QEMU boots, conversion on"
                        + " loop devices\\) \\+ API calls [\\d.]+ s \\+ waits between polls [\\d.]+ s, all real seconds;"
                        + " the waits stand for [\\d.]+ s of EC2 time at time scale " + SCALE)
                .contains("at EC2's pace throughout: about");
        // Plain progress: a line as each step starts and finishes, on stderr (stdout stays the result).
        assertThat(run.err()).containsPattern("PREFLIGHT +preflight +started")
                .containsPattern("cleanup +done in \\d+ ms");
        assertThat(run.out()).doesNotContain("started");
    }

    @Test
    void sandbox_json_isTheResultWithBothInstancesAndParsesBack() {
        Cli.Run run = Cli.run("sandbox", "--guest", "simulated", "--time-scale", SCALE, "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode doc = run.json();
        assertThat(doc.path("guest").asText()).isEqualTo("simulated");
        assertThat(doc.path("before").path("virtualizationType").asText()).isEqualTo("paravirtual");
        assertThat(doc.path("after").path("virtualizationType").asText()).isEqualTo("hvm");
        assertThat(doc.path("after").path("state").asText()).isEqualTo("running");
        assertThat(doc.path("ipsKept").asBoolean()).isTrue();
        JsonNode result = doc.path("result");
        assertThat(result.path("sourceInstanceId").asText()).isEqualTo(SandboxWorld.SOURCE);
        assertThat(result.path("newInstanceId").asText()).isEqualTo(doc.path("after").path("instanceId").asText());
        assertThat(texts(result.path("ipsAfter"))).containsExactlyInAnyOrderElementsOf(texts(result.path("ipsBefore")))
                .contains(SandboxWorld.EIP_ADDRESS);
        assertThat(result.path("timings").size()).isGreaterThan(20);
        JsonNode split = doc.path("downtimeSplit");
        assertThat(split.path("localWorkRealSeconds").asDouble() + split.path("apiCallsRealSeconds").asDouble()
                + split.path("waitsRealSeconds").asDouble()).isCloseTo(split.path("windowRealSeconds").asDouble(),
                org.assertj.core.data.Offset.offset(0.003));
        assertThat(split.path("apiCallsRealSeconds").asDouble()).isPositive();
        assertThat(split.path("waitsEc2Seconds").asDouble() * Double.parseDouble(SCALE))
                .isCloseTo(split.path("waitsRealSeconds").asDouble(), org.assertj.core.data.Offset.offset(0.002));
        // Quiet when not a terminal: nothing but the JSON.
        assertThat(run.err()).doesNotContain("started");
    }

    @Test
    void sandbox_badArguments_sayWhatIsWrongAndExit2() {
        Cli.Run scale = Cli.run("sandbox", "--time-scale", "5");
        assertThat(scale.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(scale.err()).contains("--time-scale must be in (0, 1]; got 5.0.");

        Cli.Run guest = Cli.run("sandbox", "--guest", "sometimes");
        assertThat(guest.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(guest.err()).contains("--guest").contains("sometimes").contains("AUTO, REAL, SIMULATED");
    }

    @Test
    @RequiresLab
    void sandbox_realGuest_servesItsPageAsPvBeforeAndAsHvmAfterWithANewMac() {
        Cli.Run run = Cli.run("sandbox", "--guest", "real", "--time-scale", "0.01");

        assertThat(run.exit()).as(run.toString()).isZero();
        String out = run.out();
        int before = out.indexOf("PV guest serves (before):");
        int after = out.indexOf("HVM guest serves (after, ");
        assertThat(before).as(out).isNotNegative();
        assertThat(after).as(out).isGreaterThan(before);
        String pvPage = out.substring(before, after);
        String hvmPage = out.substring(after);
        assertThat(pvPage).contains("guest=lab-sysvinit", "init=init", "mac=52:54:00:0a:02:01", "data=data-f");
        // /dev/xvdf is found by the UUID the worker read from the volume's snapshot copy; data2 was by UUID already
        assertThat(hvmPage).contains("guest=lab-sysvinit", "init=init", "data=data-f", "data2=data-g").containsPattern("mac=52:54:00:0c:")
                .doesNotContain("mac=52:54:00:0a:02:01");
        assertThat(out).containsPattern("after: +i-[0-9a-f]{17} +m5\\.large +hvm +10\\.0\\.1\\.10")
                .contains("IPs kept: yes, all 4");
    }

    @Test
    @RequiresLab
    void sandbox_markerGuest_convertsTheLabDiskAndBootsTheTrialAndTheNewInstanceInQemu() {
        Cli.Run run = Cli.run("sandbox", "--guest", "marker", "--time-scale", "0.01", "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode doc = run.json();
        assertThat(doc.path("guest").asText()).isEqualTo("real");
        assertThat(doc.path("after").path("virtualizationType").asText()).isEqualTo("hvm");
        assertThat(texts(doc.path("qemuBoots"))).hasSize(2).contains(doc.path("after").path("instanceId").asText());
        assertThat(doc.path("ipsKept").asBoolean()).isTrue();
        assertThat(doc.path("result").path("warnings").toString()).doesNotContain("simulated");
        // The conversion on loop devices and the new instance's QEMU boot ran inside the window: real seconds,
        // reported apart from the scaled EC2 waits.
        JsonNode split = doc.path("downtimeSplit");
        assertThat(split.path("localWorkRealSeconds").asDouble()).isPositive()
                .isLessThanOrEqualTo(split.path("windowRealSeconds").asDouble());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
