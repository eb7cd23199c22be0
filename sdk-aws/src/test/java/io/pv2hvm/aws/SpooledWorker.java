package io.pv2hvm.aws;

import io.pv2hvm.testkit.LocalSsmExecutor;
import io.pv2hvm.testkit.spi.SsmCommand;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.spi.SsmCommandResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A worker as the emulator's SSM reaches it, for control-plane tests: every command succeeds, and
 * an attached volume shows up under its Xen name. Answers are in the form {@link SsmTransport}'s
 * wrapper prints (sizes, then the base64 of stdout and stderr).
 */
class SpooledWorker implements SsmCommandExecutor {

    @Override
    public SsmCommandResult execute(SsmCommand command) throws IOException, InterruptedException {
        String script = command.script();
        String stdout = "";
        if (script.contains("find-device.sh")) {
            stdout = command.attachedVolumes().entrySet().stream().filter(a -> script.contains(a.getValue()))
                    .map(a -> a.getKey().replace("/dev/sd", "/dev/xvd") + "\n").findFirst().orElse(null);
            if (stdout == null) {
                return SsmCommandResult.failure(1, "no attached volume named in: " + script);
            }
        }
        byte[] out = stdout.getBytes(StandardCharsets.UTF_8);
        boolean spooled = script.contains("rc=$?") && script.contains("base64 -w0");
        return SsmCommandResult.success(spooled ? out.length + " 0\n" + Base64.getEncoder().encodeToString(out) + "\n\n"
                : stdout);
    }

    /**
     * A worker in a subnet without a route to a package mirror: the real install-tools.sh runs
     * on this machine through the real transport wrapper, with a PATH that has none of the
     * conversion tools and an apt-get that, like one without a network, reports failed fetches
     * and exits 0.
     */
    static SsmCommandExecutor withoutMirror(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("bash", "sh", "timeout", "mkdir", "wc", "head", "tail", "base64", "rm", "grep",
                "mktemp", "cat")) {
            Path real = Path.of("/usr/bin", tool);
            Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
        }
        Path apt = bin.resolve("apt-get");
        Files.writeString(apt, "#!/bin/bash\necho 'Ign:1 http://archive.ubuntu.com/ubuntu noble InRelease'\n"
                + "echo 'W: Failed to fetch http://archive.ubuntu.com/ubuntu/dists/noble/InRelease  Could not connect"
                + " to archive.ubuntu.com:80 (185.125.190.82), connection timed out'\n"
                + "echo 'W: Some index files failed to download. They have been ignored, or old ones used instead.'\n");
        Files.setPosixFilePermissions(apt, PosixFilePermissions.fromString("rwxr-xr-x"));
        SsmCommandExecutor local = new LocalSsmExecutor();
        SpooledWorker others = new SpooledWorker();
        return command -> {
            if (!command.script().contains("install-tools.sh")) {
                return others.execute(command);
            }
            List<String> lines = new ArrayList<>();
            lines.add("export PATH=" + bin);
            lines.addAll(command.commands());
            return local.execute(new SsmCommand(command.commandId(), command.instanceId(), command.documentName(), lines,
                    command.executionTimeout(), command.parameters(), command.attachedDisks(),
                    command.attachedVolumes(), command.hypervisor()));
        };
    }
}
