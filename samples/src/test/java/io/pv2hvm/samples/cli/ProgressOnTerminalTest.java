package io.pv2hvm.samples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --progress bars} on a real terminal: the sandbox runs in a new JVM on a pty
 * ({@code script} from util-linux), and what the terminal received shows a step's bar redrawn
 * with its elapsed time ticking and saying what the step waits for.
 */
class ProgressOnTerminalTest {
    /** Long enough that the trial's status checks take a few seconds, short enough for a unit test. */
    private static final String SCALE = "0.01";
    private static final Pattern BAR = Pattern.compile(
            "([A-Z]+)\\s+([a-z0-9-]+)\\s+\\d+% \\[[^\\]]*\\] [^\\r\\n]*?(?:([^\\r\\n]*?) · )?(\\d:\\d\\d:\\d\\d)");

    @TempDir
    Path dir;

    @Test
    void barsOnAPty_showATickingElapsedTime_andWhatTheStepWaitsFor() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path args = dir.resolve("cli.args");
        // An @argfile keeps the long class path out of the shell command line.
        Files.writeString(args, String.join("\n", "-cp", "\"" + classpath + "\"", Pv2hvm.class.getName(), "sandbox",
                "--guest", "simulated", "--time-scale", SCALE, "--progress", "bars"), StandardCharsets.UTF_8);
        Path typescript = dir.resolve("terminal.out");
        // A wide terminal, so the bar's message is not cut to fit.
        Process p = new ProcessBuilder("script", "-qfec", "stty cols 220 rows 50; exec '" + java + "' @" + args,
                "/dev/null").redirectOutput(typescript.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String screen = Files.readString(typescript, StandardCharsets.UTF_8);
        Files.writeString(Path.of("target", "progress-terminal.txt"), screen, StandardCharsets.UTF_8); // to look at
        assertThat(p.exitValue()).as(screen).isZero();

        Map<String, Set<String>> elapsedByStep = new LinkedHashMap<>();
        Map<String, Set<String>> waitsByStep = new LinkedHashMap<>();
        for (String frame : screen.split("[\\r\\n]+")) {
            Matcher m = BAR.matcher(frame);
            while (m.find()) {
                elapsedByStep.computeIfAbsent(m.group(2), k -> new TreeSet<>()).add(m.group(4));
                if (m.group(3) != null && !m.group(3).isBlank()) {
                    waitsByStep.computeIfAbsent(m.group(2), k -> new TreeSet<>()).add(m.group(3).trim());
                }
            }
        }
        List<String> ticking = new ArrayList<>();
        elapsedByStep.forEach((step, times) -> {
            if (times.size() >= 2) {
                ticking.add(step);
            }
        });
        assertThat(ticking).as("a step whose bar showed two different elapsed times; bars seen: " + elapsedByStep
                + "\n" + screen).isNotEmpty();
        assertThat(waitsByStep.values().stream().flatMap(Set::stream).toList())
                .as("what steps waited for: " + waitsByStep + "\n" + screen)
                .anyMatch(w -> w.matches(".*status checks [0-2]/2.*")
                        || w.matches(".*snapshot snap-[0-9a-f]+.*") || w.matches(".*SSM command on i-[0-9a-f]+.*"));
        assertThat(ticking.stream().filter(waitsByStep::containsKey).toList())
                .as("a step that ticked while saying what it waited for").isNotEmpty();
    }
}
