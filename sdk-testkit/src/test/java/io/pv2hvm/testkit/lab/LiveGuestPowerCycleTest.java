package io.pv2hvm.testkit.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A boot showing a lab artifact is power-cycled once, only while booting; a fake console stands in for QEMU. */
class LiveGuestPowerCycleTest {
    private static final Pattern LOGIN = Pattern.compile("(?m)^\\S+ login: ");
    private static final String HUNG = "[  363.737426] INFO: task mount:749 blocked for more than 120 seconds.";

    @TempDir
    Path dir;

    /** A console that counts its launches in {@code launches} and prints {@code first} on the first, {@code later} after. */
    private List<String> console(Path launches, String first, String later) throws java.io.IOException {
        Path firstFile = Files.writeString(launches.resolveSibling("first.txt"), first + "\n");
        Path laterFile = Files.writeString(launches.resolveSibling("later.txt"), later + "\n");
        return List.of("sh", "-c", "echo x >> '" + launches + "'; if [ \"$(wc -l < '" + launches + "')\" -eq 1 ];"
                + " then cat '" + firstFile + "'; else cat '" + laterFile + "'; fi; exec sleep 600");
    }

    @Test
    void aBootThatHangsInIo_isPowerCycledOnce_andTheSecondBootIsAwaited() throws Exception {
        Path launches = dir.resolve("launches");
        int before = LabArtifacts.retries();
        try (LiveGuest guest = LiveGuest.command(dir, "hangs-once", console(launches, HUNG, "lab login: "))) {
            guest.awaitBoot(LOGIN, Duration.ofSeconds(30));

            assertThat(Files.readAllLines(launches)).hasSize(2);
            assertThat(guest.consoleLog()).contains("blocked for more than", "power-cycling once", "lab login: ");
            assertThat(Files.readString(dir.resolve("hangs-once.console.log"))).contains("power-cycling once");
        }
        assertThat(LabArtifacts.retries()).isEqualTo(before + 1);
    }

    @Test
    void aStarvedTimerCheck_isBootedOnceMore() throws Exception {
        Path launches = dir.resolve("launches");
        String panic = "[    0.056000] Kernel panic - not syncing: IO-APIC + timer doesn't work!  Boot with apic=debug";
        try (LiveGuest guest = LiveGuest.command(dir, "starved", console(launches, panic, "lab login: "))) {
            guest.awaitBoot(LOGIN, Duration.ofSeconds(30));

            assertThat(Files.readAllLines(launches)).hasSize(2);
            assertThat(guest.consoleLog()).contains("timer check failed", "lab login: ");
        }
    }

    @Test
    void aBootThatHangsAgain_failsAfterOneCycle() throws Exception {
        Path launches = dir.resolve("launches");
        try (LiveGuest guest = LiveGuest.command(dir, "hangs-always", console(launches, HUNG, HUNG))) {
            assertThatThrownBy(() -> guest.awaitBoot(LOGIN, Duration.ofSeconds(3)))
                    .isInstanceOf(LiveGuest.LabTimeoutException.class).hasMessageContaining("blocked for more than");
            assertThat(Files.readAllLines(launches)).hasSize(2);
        }
    }

    @Test
    void aHangOutsideABootWait_isNotPowerCycled() throws Exception {
        Path launches = dir.resolve("launches");
        try (LiveGuest guest = LiveGuest.command(dir, "hangs-running", console(launches, HUNG, "lab login: "))) {
            assertThatThrownBy(() -> guest.await(LOGIN, Duration.ofSeconds(3)))
                    .isInstanceOf(LiveGuest.LabTimeoutException.class);
            assertThat(Files.readAllLines(launches)).hasSize(1);
        }
    }
}
