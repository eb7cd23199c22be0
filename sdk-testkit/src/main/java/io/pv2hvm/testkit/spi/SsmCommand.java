package io.pv2hvm.testkit.spi;

import io.pv2hvm.testkit.world.FilesystemSeed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One SSM command invocation handed to an {@link SsmCommandExecutor}.
 *
 * @param commandId        the SSM command id
 * @param instanceId       the target instance
 * @param documentName     for example {@code AWS-RunShellScript}
 * @param commands         the {@code commands} parameter, one shell line each
 * @param executionTimeout the {@code executionTimeout} parameter (default 3600 s)
 * @param parameters       all document parameters as sent
 * @param attachedDisks    device name → disk image file for each file-backed volume attached
 *                         to the instance, so a local executor can work on the real bytes
 * @param attachedVolumes  device name → volume id of every attached EBS volume (on Nitro the
 *                         guest sees them as NVMe devices whose serial is the id without dash)
 * @param hypervisor       {@code xen} or {@code nitro}, the instance type's hypervisor
 * @param attachedFilesystems device name → the seeded filesystem of each attached volume that has
 *                         one ({@link FilesystemSeed}), so a simulated worker can answer blkid
 */
public record SsmCommand(String commandId, String instanceId, String documentName, List<String> commands,
                         Duration executionTimeout, Map<String, List<String>> parameters,
                         Map<String, Path> attachedDisks, Map<String, String> attachedVolumes, String hypervisor,
                         Map<String, FilesystemSeed> attachedFilesystems) {

    /** Copies the maps; null filesystems means none. */
    public SsmCommand {
        attachedFilesystems = attachedFilesystems == null ? Map.of() : Map.copyOf(attachedFilesystems);
    }

    /** A command whose volumes carry no seeded filesystem. */
    public SsmCommand(String commandId, String instanceId, String documentName, List<String> commands,
                      Duration executionTimeout, Map<String, List<String>> parameters,
                      Map<String, Path> attachedDisks, Map<String, String> attachedVolumes, String hypervisor) {
        this(commandId, instanceId, documentName, commands, executionTimeout, parameters, attachedDisks, attachedVolumes,
                hypervisor, Map.of());
    }

    /** The commands joined as one shell script. */
    public String script() {
        return String.join("\n", commands);
    }
}
