package io.pv2hvm.testkit;

import io.pv2hvm.testkit.spi.SsmCommand;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.spi.SsmCommandResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs SSM commands on this machine with {@code bash -c}, as the SSM agent's
 * AWS-RunShellScript does on an instance. Each attached file-backed disk is exported as
 * {@code PV2HVM_DISK_<device>} (for example {@code PV2HVM_DISK_SDF=/tmp/vol-...img}) so a
 * script can work on the real bytes; every attached volume's id as {@code PV2HVM_VOLUME_<device>},
 * and the hypervisor as {@code PV2HVM_HYPERVISOR}. Exit 124 marks a timeout, like {@code timeout(1)}; a
 * cancelled command's process tree is killed.
 */
public final class LocalSsmExecutor implements SsmCommandExecutor {

    @Override
    public SsmCommandResult execute(SsmCommand command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c", command.script()));
        Map<String, String> env = pb.environment();
        env.put("PV2HVM_INSTANCE_ID", command.instanceId());
        env.put("PV2HVM_HYPERVISOR", command.hypervisor());
        for (Map.Entry<String, Path> d : command.attachedDisks().entrySet()) {
            env.put("PV2HVM_DISK_" + envName(d.getKey()), d.getValue().toString());
        }
        for (Map.Entry<String, String> v : command.attachedVolumes().entrySet()) {
            env.put("PV2HVM_VOLUME_" + envName(v.getKey()), v.getValue());
        }
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        try {
            if (!p.waitFor(command.executionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new SsmCommandResult(124, out.join(), err.join() + "\ncommand timed out");
            }
        } catch (InterruptedException e) {
            // CancelCommand or emulator shutdown: do not leave the script running.
            // Parent first, so the shell cannot run its next command once a child dies.
            List<ProcessHandle> children = p.descendants().toList();
            p.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            throw e;
        }
        return new SsmCommandResult(p.exitValue(), out.join(), err.join());
    }

    private static String envName(String device) {
        return device.replaceFirst("^/dev/", "").replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
