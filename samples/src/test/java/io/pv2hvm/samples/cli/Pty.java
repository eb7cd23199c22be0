package io.pv2hvm.samples.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a class of this test class path in a new JVM on a pseudo-terminal ({@code script} from
 * util-linux): stdin, stdout and stderr are the pty unless {@code redirections} sends one elsewhere
 * (e.g. {@code "2>/tmp/x"}). Returns what the terminal received.
 */
final class Pty {
    private Pty() {
    }

    /** What the terminal showed and how the JVM exited. */
    record Screen(int exit, String text) {
    }

    static Screen run(Path dir, Map<String, String> env, String redirections, String mainClass, List<String> args)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path argfile = Files.createTempFile(dir, "jvm", ".args");
        // An @argfile keeps the long class path out of the shell command line.
        StringBuilder sb = new StringBuilder("-cp\n\"" + classpath + "\"\n" + mainClass);
        for (String a : args) {
            sb.append("\n\"").append(a).append('"');
        }
        Files.writeString(argfile, sb.toString(), StandardCharsets.UTF_8);
        Path typescript = Files.createTempFile(dir, "terminal", ".out");
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec",
                "stty cols 200 rows 50; exec '" + java + "' @" + argfile + " " + redirections, "/dev/null")
                .redirectOutput(typescript.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + Files.readString(typescript, StandardCharsets.UTF_8));
        }
        return new Screen(p.exitValue(), Files.readString(typescript, StandardCharsets.UTF_8));
    }
}
