package io.pv2hvm.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Start-up time of the CLI as a user sees it: each run launches a fresh JVM on the shaded jar
 * and waits for it to exit, output discarded. Nothing is warmed up or cached between runs beyond
 * what the operating system keeps.
 */
public final class StartupBenchmark {
    private StartupBenchmark() {
    }

    /**
     * The timings of one command.
     *
     * @param command the exact command line launched
     * @param times   the wall time of each run, in run order
     */
    public record Timings(List<String> command, List<Duration> times) {
        /** Copies the lists. */
        public Timings {
            command = List.copyOf(command);
            times = List.copyOf(times);
        }

        /** The fastest run. */
        public Duration min() {
            return sorted().get(0);
        }

        /** The median run (the mean of the two middle ones for an even count). */
        public Duration median() {
            List<Duration> s = sorted();
            int n = s.size();
            return n % 2 == 1 ? s.get(n / 2) : s.get(n / 2 - 1).plus(s.get(n / 2)).dividedBy(2);
        }

        /** The slowest run. */
        public Duration max() {
            return sorted().get(times.size() - 1);
        }

        private List<Duration> sorted() {
            return times.stream().sorted().toList();
        }
    }

    /** The java launcher of this JVM. */
    public static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Launches {@code java -jar jar args...} {@code runs} times.
     *
     * @throws IllegalStateException when a run exits with a non-zero status
     */
    public static Timings measure(Path jar, int runs, String... args) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no jar at " + jar);
        }
        List<String> command = new ArrayList<>(List.of(javaLauncher().toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        List<Duration> times = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            times.add(once(command));
        }
        return new Timings(command, times);
    }

    private static Duration once(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long start = System.nanoTime();
        try {
            Process p = pb.start();
            int exit = p.waitFor();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exit);
            }
            return took;
        } catch (IOException e) {
            throw new IllegalStateException("cannot launch " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while timing " + String.join(" ", command), e);
        }
    }
}
