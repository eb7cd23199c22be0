package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.testkit.lab.BootResult;
import io.pv2hvm.testkit.lab.Fixture;
import io.pv2hvm.testkit.lab.GuestLab;
import io.pv2hvm.testkit.lab.QemuBoot;
import io.pv2hvm.testkit.junit5.RequiresLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands that work on this machine: the standalone emulator and image conversion. */
class LocalCommandsTest {
    @TempDir
    Path dir;

    @Test
    void emulator_servesTheSandboxWorldUntilInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread server = new Thread(() -> exit.set(Pv2hvm.execute(new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true), "emulator", "--port", "0", "--time-scale", "0.002")));
        server.start();
        Matcher listening = Pattern.compile("listening on (http://\\S+)").matcher("");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!listening.reset(out.toString()).find()) {
            assertThat(System.nanoTime()).as("emulator started in time: " + out).isLessThan(deadline);
            Thread.sleep(50);
        }
        String endpoint = listening.group(1);

        Cli.Run inventory = Cli.run("inventory", "--json", "--endpoint-url", endpoint, "--emulator-time-scale", "0.002");
        server.interrupt();
        server.join(30_000);

        assertThat(inventory.exit()).as(inventory.toString()).isZero();
        assertThat(inventory.json().findValuesAsText("instanceId")).containsExactly(SandboxWorld.SOURCE);
        assertThat(server.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        assertThat(out.toString()).contains("aws ec2 describe-instances --endpoint-url " + endpoint);
    }

    @Test
    void emulator_badPort_exits2() {
        Cli.Run run = Cli.run("emulator", "--port", "70000");
        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--port must be 0..65535; got 70000.");
    }

    @Test
    void convertImage_badArguments_exit2BeforeTouchingAnything() throws Exception {
        Cli.Run missing = Cli.run("convert-image", dir.resolve("nope.img").toString(), dir.resolve("out.img").toString());
        assertThat(missing.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("does not exist or is not a file");

        Path in = Files.writeString(dir.resolve("in.img"), "x");
        Cli.Run sameFile = Cli.run("convert-image", in.toString(), in.toString());
        assertThat(sameFile.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(sameFile.err()).contains("PARTITION_COPY writes a new image");

        Cli.Run target = Cli.run("convert-image", in.toString(), dir.resolve("o.img").toString(), "--target", "arm");
        assertThat(target.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(target.err()).contains("expected one of [XEN_HVM, NITRO]");
        assertThat(dir.resolve("o.img")).doesNotExist();
    }

    @Test
    @RequiresLab
    void convertImage_json_makesALabPvDiskBootUnderBiosOnNvme() {
        GuestLab lab = GuestLab.shared();
        Path in = lab.copyOf(Fixture.EXT4, "cli-convert-in.img");
        Path out = lab.scratch("cli-convert-out.img");

        Cli.Run run = Cli.run("convert-image", in.toString(), out.toString(), "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode doc = run.json();
        assertThat(doc.path("strategy").asText()).isEqualTo("PARTITION_COPY");
        assertThat(doc.path("target").asText()).isEqualTo("NITRO");
        assertThat(doc.path("output").asText()).isEqualTo(out.toString());
        BootResult boot = lab.qemu().bios(out, QemuBoot.Disk.NVME, "cli-convert-image");
        assertThat(boot.marker()).as(boot.describe()).hasValueSatisfying(m -> {
            assertThat(m.fstabOk()).isTrue();
            assertThat(m.root()).startsWith("/dev/nvme0n1");
        });
    }
}
