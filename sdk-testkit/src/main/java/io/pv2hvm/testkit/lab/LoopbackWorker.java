package io.pv2hvm.testkit.lab;

import io.pv2hvm.testkit.LocalSsmExecutor;
import io.pv2hvm.testkit.spi.SsmCommand;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.spi.SsmCommandResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Makes this machine a worker instance for the emulator's SSM commands: every file-backed volume
 * attached to the worker is put on a loop device, and the udev link a Nitro worker would have
 * ({@code /dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol...}) is made under a private
 * device root that the worker scripts honour ({@code PV2HVM_DEV_ROOT}). Commands then run as
 * {@link LocalSsmExecutor} runs them. Needs root. {@link #close()} releases the loop devices.
 */
public final class LoopbackWorker implements SsmCommandExecutor, AutoCloseable {
    private final SsmCommandExecutor local = new LocalSsmExecutor();
    private final Path devRoot;
    private final Map<Path, String> loops = new ConcurrentHashMap<>();

    /** A worker whose device links live under {@code devRoot}. */
    public LoopbackWorker(Path devRoot) {
        this.devRoot = devRoot;
    }

    @Override
    public synchronized SsmCommandResult execute(SsmCommand command) throws Exception {
        Path byId = devRoot.resolve("dev/disk/by-id");
        Files.createDirectories(byId);
        for (Map.Entry<String, Path> disk : command.attachedDisks().entrySet()) {
            String volume = command.attachedVolumes().get(disk.getKey());
            if (volume == null) {
                continue;
            }
            String loop = loops.computeIfAbsent(disk.getValue(), LoopbackWorker::attach);
            Path link = byId.resolve("nvme-Amazon_Elastic_Block_Store_" + volume.replace("-", ""));
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of(loop));
        }
        List<String> commands = new ArrayList<>();
        commands.add("export PV2HVM_DEV_ROOT=" + devRoot);
        commands.addAll(command.commands());
        return local.execute(new SsmCommand(command.commandId(), command.instanceId(), command.documentName(),
                commands, command.executionTimeout(), command.parameters(), command.attachedDisks(),
                command.attachedVolumes(), command.hypervisor()));
    }

    /** Detaches every loop device this worker attached. */
    @Override
    public synchronized void close() {
        loops.values().forEach(loop -> run("losetup", "-d", loop));
        loops.clear();
    }

    private static String attach(Path file) {
        return run("losetup", "-f", "--show", file.toString()).strip();
    }

    private static String run(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
