package io.pv2hvm.samples.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code samples/jshell/pv2hvm.jsh} in a real {@code jshell}, non-interactively: it loads, connects
 * to the sandbox emulator, and the snippets its greeting suggests plan and run a migration (the
 * source, now terminated, was paravirtual; the new instance is HVM).
 */
class JShellScriptTest {
    private static final Path SCRIPT = Path.of("jshell/pv2hvm.jsh");

    @Test
    void script_connectsToTheSandbox_andTheSuggestedSnippetsMigrateTheDemoServer() throws Exception {
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        assertThat(jshell).isExecutable();
        assertThat(SCRIPT).isRegularFile();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String scale = System.getProperty("pv2hvm.emulator.timeScale", "0.002");

        ProcessBuilder pb = new ProcessBuilder(List.of(jshell.toString(), "--class-path", classpath,
                "-R-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "--feedback", "concise", SCRIPT.toString()))
                .redirectErrorStream(true);
        pb.environment().put("PV2HVM_TIME_SCALE", scale);
        pb.environment().remove("PV2HVM_TARGET");
        Process p = pb.start();
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(("System.out.println(\"PLAN \" + migrate(demo).preservingIps().plan().steps().size());\n"
                    + "var r = migrate(demo).preservingIps().run();\n"
                    + "System.out.println(\"RESULT \" + virtualization(demo) + \" -> \" + virtualization(r.newInstanceId()));\n"
                    + "sandbox.close();\n"
                    + "/exit\n").getBytes(StandardCharsets.UTF_8));
        }
        boolean finished = p.waitFor(3, TimeUnit.MINUTES);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            p.destroyForcibly();
        }

        assertThat(finished).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("pv2hvm: sandbox emulator at http://localhost:")
                .containsPattern("PLAN \\d{2}")
                .contains("RESULT paravirtual -> hvm")
                .doesNotContain("Error:").doesNotContain("Exception");
    }

}
