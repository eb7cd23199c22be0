package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.WorkerToolsException;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;

import java.time.Duration;
import java.util.List;

/** The conversion tools a worker needs, installed by {@code install-tools.sh} unless present. */
public final class WorkerTools {
    /** Bumped whenever {@link #PACKAGES} changes, so an older worker image is not reused. */
    public static final String VERSION = "3";
    /** The apt packages install-tools.sh installs (Ubuntu 24.04 and Debian 12 names). */
    public static final List<String> PACKAGES = List.of("extlinux", "syslinux-common", "grub-pc-bin", "grub2-common",
            "parted", "xfsprogs", "e2fsprogs", "fdisk", "libcap2-bin", "rsync");
    /** install-tools.sh's exit status when no package mirror is reachable. */
    static final int NO_MIRROR = 42;

    private WorkerTools() {
    }

    /**
     * Installs the tools on {@code workerId} unless present.
     *
     * @throws WorkerToolsException naming the fixes when no mirror is reachable or the install fails
     */
    public static void install(CommandTransport worker, String workerId, Duration timeout) {
        CommandResult r = worker.exec(ScriptCommands.of("install-tools.sh").withTimeout(timeout));
        if (r.exitCode() == NO_MIRROR) {
            throw WorkerToolsException.noMirror(workerId, r.stderr());
        }
        if (!r.succeeded()) {
            throw WorkerToolsException.installFailed(workerId, "exit " + r.exitCode() + ": " + r.stderr());
        }
    }
}
