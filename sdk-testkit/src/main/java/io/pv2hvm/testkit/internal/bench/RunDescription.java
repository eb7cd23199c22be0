package io.pv2hvm.testkit.internal.bench;

import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** What a benchmark table needs above it to be reproducible: the command that ran and the machine. */
final class RunDescription {
    private RunDescription() {
    }

    /**
     * The Maven command line, from {@code MAVEN_CMD_LINE_ARGS} (which {@code mvn} exports), with
     * the {@code -Dbenchmark} value quoted again; a reconstruction when run outside Maven.
     */
    static String commandLine(String benchmarkValue) {
        String quoted = "-Dbenchmark=\"" + benchmarkValue + "\"";
        String args = System.getenv("MAVEN_CMD_LINE_ARGS");
        if (args == null || args.isBlank()) {
            return "./mvnw -B -pl sdk-testkit -am -DskipTests package " + quoted + "  (reconstructed: not run from Maven)";
        }
        return "./mvnw " + args.strip().replace("-Dbenchmark=" + benchmarkValue, quoted);
    }

    /** CPUs, CPU model, memory, kernel, and the device and filesystem the images live on. */
    static String machine(Path workDir) {
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
        String memory = firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(kb -> String.format(Locale.ROOT, "%.0f GiB RAM", Long.parseLong(kb.replace("kB", "").strip()) / (double) (1 << 20)))
                .orElse("unknown RAM");
        CommandResult df = LocalTransport.create().exec(Command.of("df", "--output=source,fstype", workDir.toString()));
        String storage = df.succeeded() ? df.stdout().lines().skip(1).findFirst().orElse("?").strip().replaceAll("\\s+", " (") + ")" : "?";
        return String.format(Locale.ROOT, "nproc %d (%s), %s, kernel %s, images on %s",
                Runtime.getRuntime().availableProcessors(), cpu, memory, System.getProperty("os.version"), storage);
    }

    private static Optional<String> firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
