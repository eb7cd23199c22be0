package io.pv2hvm.core.guest;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shell scripts every module ships as resources (worker jobs, the worker's tools, the guest
 * lab's recipes), each linted on its own by shellcheck as CI does, and the worker job scripts'
 * header that makes that possible. Needs shellcheck on PATH; skipped without it unless
 * {@code pv2hvm.lab.required} is true.
 */
class ShellScriptsLintTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path GUEST_SCRIPTS = Path.of("src/main/resources/io/pv2hvm/core/guest");
    /** The libraries the SDK prepends, and a hook installed into the guest (POSIX sh): not jobs. */
    private static final Set<String> NOT_JOBS = Set.of("lib.sh", "layout.sh", "kernel-hook.sh");
    /**
     * This lab recipe's text is the cache key of its guest fixture, so its one finding (SC1007,
     * {@code var= } for an empty value) stays until the fixture changes for another reason.
     */
    private static final String LVM_FIXTURE = "build-userland-lvm.sh";

    @TestFactory
    Stream<DynamicTest> everyResourceScript_passesShellcheck() throws Exception {
        String shellcheck = shellcheck();
        List<Path> scripts = resourceScripts();
        assertThat(scripts).extracting(p -> p.getFileName().toString())
                .contains("lib.sh", "inspect.sh", "find-device.sh", "build-fixture.sh");
        // Two shellcheck runs, not one per script (each file is still checked on its own, its
        // sources followed): one line per finding, "path:line:column: level: message [SCxxxx]".
        List<Path> lvmFixture = scripts.stream().filter(s -> s.getFileName().toString().equals(LVM_FIXTURE)).toList();
        List<Path> others = scripts.stream().filter(s -> !lvmFixture.contains(s)).toList();
        List<String> findings = new ArrayList<>(findings(shellcheck, others, List.of()));
        findings.addAll(findings(shellcheck, lvmFixture, List.of("-e", "SC1007")));
        return scripts.stream().map(script -> DynamicTest.dynamicTest(REPO.relativize(script).toString(), () ->
                assertThat(findings).as("shellcheck findings").noneMatch(f -> f.startsWith(script + ":"))));
    }

    @Test
    void theLint_reportsAFinding() throws Exception {
        Path bad = Files.createTempFile("pv2hvm-lint", ".sh");
        try {
            Files.writeString(bad, "#!/bin/bash\nset -euo pipefail\nx= echo hi\n");
            assertThat(findings(shellcheck(), List.of(bad), List.of())).singleElement().asString().contains("SC1007");
        } finally {
            Files.delete(bad);
        }
    }

    private static List<String> findings(String shellcheck, List<Path> scripts, List<String> options) throws Exception {
        if (scripts.isEmpty()) {
            return List.of();
        }
        List<String> argv = new ArrayList<>(List.of(shellcheck, "-x", "-S", "warning", "-f", "gcc"));
        argv.addAll(options);
        scripts.forEach(s -> argv.add(s.toString()));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isIn(0, 1);  // 1: findings, anything else: shellcheck failed
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void everyWorkerJob_startsWithShebangSourcedLibraryAndStrictMode() throws IOException {
        List<Path> jobs = guestJobs();
        assertThat(jobs).hasSizeGreaterThanOrEqualTo(13);
        for (Path job : jobs) {
            List<String> lines = Files.readAllLines(job);
            assertThat(lines.get(0)).as(job + " shebang").isEqualTo("#!/bin/bash");
            assertThat(lines.subList(0, 6)).as(job + " header")
                    .anySatisfy(l -> assertThat(l).startsWith("# shellcheck source-path=SCRIPTDIR source=lib.sh"))
                    .anySatisfy(l -> assertThat(l).startsWith("[ -n \"${PV2HVM_LIB:-}\" ] || source \"$(dirname \"$0\")/lib.sh\""))
                    .anySatisfy(l -> assertThat(l).startsWith("[ -n \"${PV2HVM_LAYOUT:-}\" ] || source \"$(dirname \"$0\")/layout.sh\""))
                    .contains("set -euo pipefail");
        }
    }

    @Test
    void aWorkerJobRunAlone_sourcesTheLibraryAndValidatesItsArguments() throws Exception {
        // detach-image's usage check calls lib.sh's fail(): only a loaded library prints this line.
        Process p = new ProcessBuilder("bash", GUEST_SCRIPTS.resolve("detach-image.sh").toString(), "/dev/not-a-loop")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(out).contains("pv2hvm (detach-image.sh): LOOP '/dev/not-a-loop' is not valid");
    }

    private static List<Path> guestJobs() throws IOException {
        try (Stream<Path> files = Files.list(GUEST_SCRIPTS)) {
            return files.filter(f -> f.toString().endsWith(".sh") && !NOT_JOBS.contains(f.getFileName().toString()))
                    .sorted().toList();
        }
    }

    /** Every {@code *.sh} under a module's {@code src/main/resources}. */
    private static List<Path> resourceScripts() throws IOException {
        List<Path> scripts = new ArrayList<>();
        try (Stream<Path> modules = Files.list(REPO)) {
            for (Path resources : modules.map(m -> m.resolve("src/main/resources")).filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.walk(resources)) {
                    files.filter(f -> f.toString().endsWith(".sh")).sorted().forEach(scripts::add);
                }
            }
        }
        return scripts;
    }

    private static String shellcheck() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "shellcheck");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        boolean required = Boolean.getBoolean("pv2hvm.lab.required");
        assertThat(required).as("shellcheck is not on PATH, and pv2hvm.lab.required is true").isFalse();
        assumeTrue(false, "shellcheck is not on PATH");
        return null;
    }
}
