package io.pv2hvm.samples.cli;

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
 * {@code --progress auto} decides on whether <em>stderr</em> (where bars go) is a terminal: the
 * sandbox in a new JVM on a pty, once with stderr redirected to a file (no bars in the file, though
 * stdin and stdout are the terminal, so {@code System.console()} exists), once with stdout
 * redirected (bars on the terminal, though {@code System.console()} is null on Java 17).
 */
class ProgressOnStderrTest {
    /** A bar frame: "PHASE    step   NN% [===   ]". */
    private static final Pattern BAR = Pattern.compile("[A-Z]+\\s+[a-z0-9-]+\\s+\\d+% \\[");
    private static final List<String> SANDBOX = List.of("sandbox", "--guest", "simulated", "--time-scale", "0.001");

    @TempDir
    Path dir;

    @Test
    void stderrToAFile_getsNoBars_whileStdoutIsATerminal() throws Exception {
        Path err = dir.resolve("err.txt");
        Pty.Screen screen = Pty.run(dir, Map.of(), "2>'" + err + "'", Pv2hvm.class.getName(), SANDBOX);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);

        assertThat(screen.exit()).as(screen.text() + "\n--- stderr:\n" + stderr).isZero();
        assertThat(screen.text()).contains("IPs kept: yes");
        assertThat(BAR.matcher(stderr).find()).as("bars in the stderr file:\n" + stderr).isFalse();
        assertThat(stderr).doesNotContain("\r");
    }

    @Test
    void stderrOnATerminal_getsBars_whileStdoutIsAFile() throws Exception {
        Path out = dir.resolve("out.txt");
        Pty.Screen screen = Pty.run(dir, Map.of(), ">'" + out + "'", Pv2hvm.class.getName(), SANDBOX);
        String stdout = Files.readString(out, StandardCharsets.UTF_8);

        assertThat(screen.exit()).as(screen.text() + "\n--- stdout:\n" + stdout).isZero();
        assertThat(stdout).contains("IPs kept: yes");
        assertThat(BAR.matcher(screen.text()).find()).as("bars on the terminal:\n" + screen.text()).isTrue();
        assertThat(BAR.matcher(stdout).find()).as("bars in the stdout file").isFalse();
    }
}
