package io.pv2hvm.samples.cli;

import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --progress auto} decides on whether <em>stderr</em> (where bars go) is a terminal. The
 * CLI runs in a new JVM on a pty, once with stderr redirected to a file (no bars in the file,
 * though stdin and stdout are the terminal, so {@code System.console()} exists), once with stdout
 * redirected (a bar on the terminal, though {@code System.console()} is null on Java 17). The
 * migration is one preflight blocks: its step shows a bar and the run ends in seconds.
 */
class ProgressOnStderrTest {
    /** A bar frame: "PHASE    step   NN% [===   ]". */
    private static final Pattern BAR = Pattern.compile("PREFLIGHT\\s+preflight\\s+\\d+% \\[");
    private static final String PROTECTED = "i-0badbadbadbadbad0";
    private static final String STORE_IMAGE = "ami-0123401234012340a";

    @TempDir
    Path dir;

    private Ec2Emulator emulator;

    @BeforeEach
    void start() {
        emulator = Ec2Emulator.builder().ssmExecutor(new SimulatedWorker())
                .world(SandboxWorld.simulatedBuilder()
                        .image(ImageSeed.pv(STORE_IMAGE, "legacy-pv").kernelId(SandboxWorld.PV_GRUB_KERNEL)
                                .instanceStore("/dev/sdb"))
                        .instance(InstanceSeed.of(PROTECTED, STORE_IMAGE).instanceType("m1.small")
                                .privateIp("10.0.1.30").instanceStore("/dev/sdb").disableApiTermination(true)
                                .stopped()).build())
                .build().start();
    }

    @AfterEach
    void stop() {
        emulator.stop();
    }

    @Test
    void stderrToAFile_getsNoBars_whileStdoutIsATerminal() throws Exception {
        Path err = dir.resolve("err.txt");
        Pty.Screen screen = migrate("2>'" + err + "'");
        String stderr = Files.readString(err, StandardCharsets.UTF_8);

        assertThat(screen.exit()).as(screen.text() + "\n--- stderr:\n" + stderr).isEqualTo(ExitCode.BLOCKED);
        assertThat(stderr).contains("TERMINATION_PROTECTION");
        assertThat(BAR.matcher(stderr).find()).as("bars in the stderr file:\n" + stderr).isFalse();
        assertThat(stderr).doesNotContain("\r");
        assertThat(BAR.matcher(screen.text()).find()).as("bars on stdout's terminal").isFalse();
    }

    @Test
    void stderrOnATerminal_getsABar_whileStdoutIsAFile() throws Exception {
        Path out = dir.resolve("out.txt");
        Pty.Screen screen = migrate(">'" + out + "'");

        assertThat(screen.exit()).as(screen.text()).isEqualTo(ExitCode.BLOCKED);
        assertThat(screen.text()).contains("TERMINATION_PROTECTION");
        assertThat(BAR.matcher(screen.text()).find()).as("a bar on the terminal:\n" + screen.text()).isTrue();
        assertThat(BAR.matcher(Files.readString(out, StandardCharsets.UTF_8)).find()).as("a bar in stdout").isFalse();
    }

    private Pty.Screen migrate(String redirection) throws Exception {
        return Pty.run(dir, Map.of("AWS_ACCESS_KEY_ID", "AKIAEMULATOR", "AWS_SECRET_ACCESS_KEY", "emulator-secret"),
                redirection, Pv2hvm.class.getName(), List.of("migrate", PROTECTED, "--preserve-ips", "--yes",
                        "--progress", "auto", "--worker-profile", SandboxWorld.WORKER_PROFILE, "--journal-dir",
                        dir.resolve("journal").toString(), "--endpoint-url", emulator.endpoint().toString()));
    }
}
