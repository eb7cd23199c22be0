package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FindDeviceScriptTest {
    private final LocalTransport local = LocalTransport.create();

    @TempDir
    Path root;

    @Test
    void findsAnNvmeVolumeByItsUdevLink() throws Exception {
        Path byId = Files.createDirectories(root.resolve("dev/disk/by-id"));
        Path disk = Files.createFile(root.resolve("nvme1n1"));
        Files.createSymbolicLink(byId.resolve("nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0"), disk);

        CommandResult r = local.exec(ScriptCommands.of("find-device.sh", "vol-0123456789abcdef0", "/dev/sdf")
                .withEnvironment(Map.of("PV2HVM_DEV_ROOT", root.toString())));

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().strip()).isEqualTo(disk.toRealPath().toString());
    }

    @Test
    void saysSoWhenTheVolumeIsNotVisible() {
        CommandResult r = local.exec(ScriptCommands.of("find-device.sh", "vol-0123456789abcdef0", "/dev/sdf")
                .withEnvironment(Map.of("PV2HVM_DEV_ROOT", root.toString())));

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("vol-0123456789abcdef0", "not visible");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "vol-0123456789abcdef0; touch PWNED | /dev/sdf",
        "vol-$(touch PWNED) | /dev/sdf",
        "vol-0123456789abcdef0 | /dev/sdf;touch PWNED",
        "vol-0123456789abcdef0 | /dev/../etc/passwd"})
    void refusesHostileArguments_beforeTouchingAnything(String volume, String device) {
        CommandResult r = local.exec(ScriptCommands.of("find-device.sh", volume.replace("PWNED",
                root.resolve("pwned").toString()), device.replace("PWNED", root.resolve("pwned").toString())));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("find-device: bad");
        assertThat(root.resolve("pwned")).doesNotExist();
    }
}
