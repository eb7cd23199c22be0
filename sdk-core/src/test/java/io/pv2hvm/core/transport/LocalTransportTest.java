package io.pv2hvm.core.transport;

import io.pv2hvm.core.CommandFailedException;
import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.OutputLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalTransportTest {
    private final LocalTransport transport = LocalTransport.create();

    @TempDir
    Path dir;

    @Test
    void exec_measuresItsDurationOnTheGivenClock() {
        java.time.Instant t0 = java.time.Instant.parse("2031-01-01T00:00:00Z");
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.time.Clock ticking = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return t0.plus(Duration.ofMinutes(7L * reads.getAndIncrement()));
            }
        };

        CommandResult r = LocalTransport.create().withClock(ticking).exec(Command.bash("true"));

        assertThat(r.duration()).isEqualTo(Duration.ofMinutes(7));
    }

    @Test
    void exec_returnsTheExitCode_andANonZeroExitIsAResultNotAnException() {
        assertThat(transport.exec(Command.bash("exit 0")).exitCode()).isZero();
        CommandResult r = transport.exec(Command.bash("echo 'disk not found' >&2; exit 3"));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.succeeded()).isFalse();
        assertThatThrownBy(() -> r.orThrow("inspect")).isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("inspect exited with status 3: disk not found");
    }

    @Test
    void exec_streamsStdoutAndStderrLinesInTheOrderTheyWerePrinted() {
        List<OutputLine> lines = Collections.synchronizedList(new ArrayList<>());
        // The pauses make the order observable: each line is out before the next is printed.
        String script = "for i in 1 2 3; do echo out$i; sleep 0.1; echo err$i >&2; sleep 0.1; done";

        CommandResult r = transport.exec(Command.bash(script), lines::add);

        assertThat(lines).containsExactly(OutputLine.stdout("out1"), OutputLine.stderr("err1"),
                OutputLine.stdout("out2"), OutputLine.stderr("err2"), OutputLine.stdout("out3"),
                OutputLine.stderr("err3"));
        assertThat(r.stdout()).isEqualTo("out1\nout2\nout3\n");
        assertThat(r.stderr()).isEqualTo("err1\nerr2\nerr3\n");
    }

    @Test
    void exec_deliversLinesWhileTheCommandIsStillRunning() {
        long[] firstLineAt = {0};
        long start = System.nanoTime();
        transport.exec(Command.bash("echo early; sleep 1; echo late"), line -> {
            if (firstLineAt[0] == 0) {
                firstLineAt[0] = System.nanoTime();
            }
        });
        long total = System.nanoTime() - start;
        assertThat(firstLineAt[0] - start).isLessThan(total - Duration.ofMillis(500).toNanos());
    }

    @Test
    void exec_whenTheTimeoutPasses_killsTheWholeProcessTree() throws Exception {
        Path pids = dir.resolve("pids");
        String script = "sleep 300 & echo $! > " + pids + "; bash -c 'sleep 300' & echo $! >> " + pids + "; wait";

        assertThatThrownBy(() -> transport.exec(Command.bash(script).withTimeout(Duration.ofSeconds(1))))
                .isInstanceOf(TransportException.class).hasMessageContaining("timed out after PT1S");

        List<Long> children = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertThat(children).hasSize(2);
        for (long pid : children) {
            // SIGKILL is asynchronous: give the kernel a moment to finish the process off.
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().completeOnTimeout(h, 5, TimeUnit.SECONDS).join());
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("child %d must be dead", pid).isFalse();
        }
    }

    @Test
    void exec_passesArgumentsVerbatim_soShellSyntaxInAValueIsNotExecuted() {
        String hostile = "x; touch " + dir.resolve("pwned") + "; echo $(id)";
        CommandResult r = transport.exec(Command.of("printf", "%s", hostile));
        assertThat(r.stdout()).isEqualTo(hostile + "\n");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void exec_setsTheEnvironment() {
        CommandResult r = transport.exec(Command.bash("echo \"$TOKEN\"").withEnvironment(Map.of("TOKEN", "s3cr3t")));
        assertThat(r.stdout()).isEqualTo("s3cr3t\n");
    }

    @Test
    void exec_ofAMissingProgram_throwsATransportExceptionThatSaysSo() {
        assertThatThrownBy(() -> transport.exec(Command.of("no-such-program-pv2hvm")))
                .isInstanceOf(TransportException.class).hasMessageContaining("Is it installed");
    }

    @Test
    void upload_writesTheFileWithTheMode() throws Exception {
        Path target = dir.resolve("inspect.sh");
        transport.upload("#!/bin/bash\necho hi\n".getBytes(), target.toString(), 0750);

        assertThat(Files.readString(target)).contains("echo hi");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-x---");
        assertThat(transport.exec(Command.of(target.toString())).stdout()).isEqualTo("hi\n");
    }

    @Test
    void exec_capturesLargeOutputUpToTheLimit_andSaysWhenItCut() {
        CommandResult r = transport.exec(Command.bash("head -c 3000000 /dev/zero | tr '\\0' 'a' | fold -w 999"));
        assertThat(r.truncated()).isTrue();
        assertThat(r.stdout().length()).isLessThanOrEqualTo(CommandResult.CAPTURE_LIMIT);
    }
}
