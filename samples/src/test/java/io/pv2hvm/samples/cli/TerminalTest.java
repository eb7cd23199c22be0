package io.pv2hvm.samples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Terminal} answers isatty for each standard stream on its own, in a new JVM on a real pty
 * with one stream redirected to a file: what {@code System.console()} cannot tell.
 */
class TerminalTest {
    @TempDir
    Path dir;

    @Test
    void stderrRedirectedToAFile_isNoTerminal_whileStdinAndStdoutAre() throws Exception {
        Path err = dir.resolve("err.txt");
        Pty.Screen screen = Pty.run(dir, Map.of(), "2>'" + err + "'", TerminalProbe.class.getName(), List.of());

        assertThat(screen.exit()).as(screen.text()).isZero();
        assertThat(screen.text()).contains("fd0=true fd1=true fd2=false stderr()=false");
        assertThat(Files.readString(err, StandardCharsets.UTF_8)).contains("fd2=false");
    }

    @Test
    void stdoutRedirectedToAFile_leavesStderrATerminal() throws Exception {
        Path out = dir.resolve("out.txt");
        Pty.Screen screen = Pty.run(dir, Map.of(), ">'" + out + "'", TerminalProbe.class.getName(), List.of());

        assertThat(screen.exit()).as(screen.text()).isZero();
        assertThat(screen.text()).contains("fd0=true fd1=false fd2=true stderr()=true");
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).contains("fd1=false");
    }

    @Test
    void pipesAndDevNull_areNoTerminals() throws Exception {
        Pty.Screen screen = Pty.run(dir, Map.of(), "</dev/null 2>&1 | cat", TerminalProbe.class.getName(), List.of());

        assertThat(screen.exit()).as(screen.text()).isZero();
        assertThat(screen.text()).contains("fd0=false fd1=false fd2=false stderr()=false");
    }
}
