package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerScriptTest {
    @ParameterizedTest
    @ValueSource(strings = {"/dev/xvdf; reboot", "/dev/../etc/passwd", "xvdf", "/dev/xvdf$(id)", "/dev/sd a"})
    void device_whenNotAPlainDevicePath_rejects(String value) {
        assertThatThrownBy(() -> WorkerScript.device(value)).isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void command_passesValuesAsPositionalParametersNotInTheScript() {
        Command c = WorkerScript.INSPECT.command("/dev/xvdq9", "nvme");

        assertThat(c.argv().subList(0, 2)).containsExactly("bash", "-c");
        assertThat(c.argv().get(2)).contains("set -euo pipefail").doesNotContain("/dev/xvdq9");
        assertThat(c.argv().subList(3, 6)).containsExactly("pv2hvm-inspect", "/dev/xvdq9", "nvme");
        assertThat(c.idempotent()).isTrue();
        assertThat(WorkerScript.PARTITION_COPY.command("/dev/xvdf", "/dev/xvdg").idempotent()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(WorkerScript.class)
    void everyScript_isValidBash(WorkerScript script) {
        String text = script.command(List.of()).argv().get(2);
        CommandResult r = LocalTransport.create().exec(Command.of("bash", "-n", "-c", text));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
    }

    @Test
    void scripts_validateArgumentsAgain_whenJavaValidationIsBypassed() {
        // the Java side would reject this; the script must too, before doing anything
        CommandResult r = LocalTransport.create().exec(WorkerScript.INSTALL_EXTLINUX.command("/dev/x;touch /tmp/pwned", "conf"));

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("is not a device path");
    }

    @Test
    void resync_validatesItsArgumentsAgain_andRefusesTheSameDeviceTwice() {
        LocalTransport local = LocalTransport.create();

        String cutoff = Long.toString(Instant.now().minusSeconds(3600).getEpochSecond());
        CommandResult injected = local.exec(WorkerScript.RESYNC.command("/dev/x;touch /tmp/pwned", "/dev/null", cutoff));
        assertThat(injected.exitCode()).isNotZero();
        assertThat(injected.stderr()).contains("SOURCE '/dev/x;touch /tmp/pwned' is not a device path");
        CommandResult missing = local.exec(WorkerScript.RESYNC.command("/dev/null", "/dev/zero"));
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("usage: resync SOURCE TARGET CUTOFF");
        // the cut-off: plain epoch seconds (no leading zero, which bash would read as octal), after 2000, not
        // after the worker's clock; checked before the devices
        for (String bad : List.of(cutoff + ";reboot", "$(reboot)", "0" + cutoff, "-" + cutoff, cutoff + ".5", "")) {
            CommandResult r = local.exec(WorkerScript.RESYNC.command("/dev/null", "/dev/zero", bad));
            assertThat(r.exitCode()).as(bad).isNotZero();
            assertThat(r.stderr()).as(bad).contains("CUTOFF '" + bad + "' is not a time in seconds since the epoch");
        }
        String future = Long.toString(Instant.now().plusSeconds(3600).getEpochSecond());
        for (String bad : List.of("946684799", future)) {
            CommandResult r = local.exec(WorkerScript.RESYNC.command("/dev/null", "/dev/zero", bad));
            assertThat(r.exitCode()).as(bad).isNotZero();
            assertThat(r.stderr()).as(bad).contains("CUTOFF " + bad + " is not between 2000-01-01 and the worker's clock");
        }
        // a good cut-off gets as far as the devices
        CommandResult accepted = local.exec(WorkerScript.RESYNC.command("/dev/null", "/dev/zero", cutoff));
        assertThat(accepted.exitCode()).isNotZero();
        assertThat(accepted.stderr()).contains("SOURCE /dev/null is not a block device").doesNotContain("CUTOFF");
        assertThat(WorkerScript.RESYNC.command("/dev/xvdf", "/dev/xvdg", cutoff).idempotent()).isFalse();
    }

    @Test
    void scripts_refuseAFileThatIsNotABlockDevice() {
        CommandResult r = LocalTransport.create().exec(WorkerScript.INSPECT.command("/dev/null"));

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("/dev/null is not a block device");
    }

    @Test
    void fsSizeBytes_whenFilesystemIsLargerThan2GiB_printsAPlainInteger(@TempDir Path dir) throws Exception {
        LocalTransport local = LocalTransport.create();
        Assumptions.assumeTrue(local.exec(Command.of("bash", "-c", "PATH=$PATH:/usr/sbin:/sbin command -v mkfs.ext4")).succeeded(),
                "mkfs.ext4 not installed");
        Path image = dir.resolve("fs.img");
        local.exec(Command.of("truncate", "-s", "3G", image.toString())).orThrow("truncate");
        local.exec(Command.of("bash", "-c", "PATH=$PATH:/usr/sbin:/sbin mkfs.ext4 -q -F \"$1\"", "mkfs", image.toString())).orThrow("mkfs");
        String lib;
        try (InputStream in = WorkerScript.class.getResourceAsStream("/io/pv2hvm/core/guest/lib.sh")) {
            lib = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        CommandResult r = local.exec(Command.of("bash", "-c", lib + "\nfs_size_bytes \"$1\"", "test", image.toString()));

        assertThat(r.stdout().strip()).as(r.stderr()).isEqualTo(Long.toString(Files.size(image)));
    }
}
