package io.pv2hvm.samples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tools/check-reproducible.sh, which samples' verify phase runs, against a stand-in for Maven that
 * rebuilds a module's jar the same, differently, or not at all: the check must fail in the last two.
 */
class ReproducibleCheckScriptTest {
    private static final Path SCRIPT = Path.of("..", "tools", "check-reproducible.sh").toAbsolutePath().normalize();

    @TempDir
    Path root;

    @Test
    void check_whenTheSecondBuildIsIdentical_passes() throws Exception {
        Result r = check("printf 'jar-bytes' > \"$ROOT/core/target/core.jar\"");

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("1 archives byte-identical");
    }

    @Test
    void check_whenAJarDiffers_failsNamingIt() throws Exception {
        Result r = check("printf 'other-bytes' > \"$ROOT/core/target/core.jar\"");

        assertThat(r.exit()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("core/target/core.jar differs between two builds");
    }

    @Test
    void check_whenAJarIsNotRebuilt_fails() throws Exception {
        Result r = check("true");

        assertThat(r.exit()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("core/target/core.jar was not built the second time");
    }

    @Test
    void check_withoutArguments_printsUsageAndExits2() throws Exception {
        Process p = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(out).contains("usage:");
    }

    /** A tree with one module whose first build made core.jar, checked with {@code mvnBody} as Maven. */
    private Result check(String mvnBody) throws IOException, InterruptedException {
        assertThat(SCRIPT).exists();
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Path target = Files.createDirectories(root.resolve("core/target"));
        Files.writeString(root.resolve("core/pom.xml"), "<project/>");
        Files.writeString(target.resolve("core.jar"), "jar-bytes");
        Path mvn = root.resolve("fake-mvn");
        Files.writeString(mvn, "#!/usr/bin/env bash\nset -euo pipefail\nROOT='" + root + "'\n" + mvnBody + "\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwx------"));

        Process p = new ProcessBuilder("bash", SCRIPT.toString(), root.toString(), mvn.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    private record Result(int exit, String output) {
    }
}
