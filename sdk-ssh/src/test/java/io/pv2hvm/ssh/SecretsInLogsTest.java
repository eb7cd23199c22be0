package io.pv2hvm.ssh;

import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Runs a whole SSH session with every logger (ours, MINA client and server) at DEBUG captured
 * in memory, and scans the logs and the exceptions' full stack traces for secrets.
 */
class SecretsInLogsTest {

    @Test
    void fullSession_withAllLoggersAtDebug_leavesNoKeyPassphraseOrEnvironmentValueInLogsOrExceptions(@TempDir Path dir)
            throws Exception {
        String passphrase = "pp-" + UUID.randomUUID();
        String envValue = "env-" + UUID.randomUUID();
        KeyPair user = TestKeys.ed25519();
        KeyPair stranger = TestKeys.ed25519();
        String userKeyText = TestKeys.openSshText(user, passphrase);
        String strangerKeyText = TestKeys.openSshText(stranger, passphrase);
        Path keyFile = Files.writeString(dir.resolve("id_ed25519"), userKeyText);
        List<String> secrets = new ArrayList<>(List.of(passphrase, envValue,
                Base64.getEncoder().encodeToString(user.getPrivate().getEncoded()),
                Base64.getEncoder().encodeToString(stranger.getPrivate().getEncoded())));
        secrets.addAll(bodyLines(userKeyText));
        secrets.addAll(bodyLines(strangerKeyText));

        List<String> exceptions = new ArrayList<>();
        List<String> logs;
        CapturingLogProvider.capture();
        try (MinaServer server = MinaServer.start(user.getPublic(), false, 0)) {
            SshTransport.Builder builder = SshTransport.builder().host("127.0.0.1").port(server.port()).user("root")
                    .key(SshKey.fromFile(keyFile).withPassphrase(passphrase))
                    .hostKeys(HostKeyPolicy.pinned(server.fingerprint()))
                    .authTimeout(Duration.ofSeconds(10));
            try (SshTransport ssh = builder.build()) {
                CommandResult env = ssh.exec(Command.of("printenv", "SECRET_TOKEN")
                        .withEnvironment(Map.of("SECRET_TOKEN", envValue)));
                assertThat(env.stdout()).isEqualTo(envValue + "\n");
                CommandResult failing = ssh.exec(Command.bash("exit 7").withEnvironment(Map.of("SECRET_TOKEN", envValue)));
                assertThat(failing.exitCode()).isEqualTo(7);
                ssh.upload("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), dir.resolve("up.sh").toString(), 0700);
                exceptions.add(ssh.toString());
                Throwable timeout = catchThrowable(() -> ssh.exec(Command.of("sleep", "20")
                        .withEnvironment(Map.of("SECRET_TOKEN", envValue)).withTimeout(Duration.ofMillis(300))));
                assertThat(timeout).isNotNull();
                exceptions.add(stackTrace(timeout));
            }
            Throwable refused = catchThrowable(() -> {
                try (SshTransport ssh = builder.key(SshKey.fromText(strangerKeyText).withPassphrase(passphrase)).build()) {
                    ssh.exec(Command.of("true"));
                }
            });
            assertThat(refused).hasMessageContaining("refused the login");
            exceptions.add(stackTrace(refused));
            Throwable wrongPassphrase = catchThrowable(() -> {
                try (SshTransport ssh = builder.key(SshKey.fromText(strangerKeyText).withPassphrase(passphrase + "x"))
                        .build()) {
                    ssh.exec(Command.of("true"));
                }
            });
            assertThat(wrongPassphrase).hasMessageContaining("passphrase is wrong");
            exceptions.add(stackTrace(wrongPassphrase));
            exceptions.add(SshKey.fromText(strangerKeyText).withPassphrase(passphrase).toString());
            Throwable promptedWrong = catchThrowable(() -> {
                try (SshTransport ssh = builder.key(SshKey.fromFile(keyFile))
                        .passphrases((key, attempt) -> attempt == 1 ? (passphrase + "1").toCharArray() : null).build()) {
                    ssh.exec(Command.of("true"));
                }
            });
            assertThat(promptedWrong).hasMessageContaining("passphrase is wrong");
            exceptions.add(stackTrace(promptedWrong));
            try (SshTransport ssh = builder.key(SshKey.fromFile(keyFile))
                    .passphrases((key, attempt) -> passphrase.toCharArray()).build()) {
                assertThat(ssh.exec(Command.of("true")).exitCode()).isZero();
            }
        } finally {
            logs = CapturingLogProvider.stop();
        }

        // The scan means something only if the capture saw the session in detail.
        assertThat(logs).anyMatch(l -> l.contains("DEBUG org.apache.sshd.client"));
        assertThat(logs).anyMatch(l -> l.contains("DEBUG org.apache.sshd.server"));
        assertThat(logs).anyMatch(l -> l.contains("DEBUG io.pv2hvm.ssh") && l.contains("SECRET_TOKEN"));
        String everything = String.join("\n", logs) + "\n" + String.join("\n", exceptions);
        for (String secret : secrets) {
            assertThat(everything).as("logs and exceptions must not contain a secret").doesNotContain(secret);
        }
    }

    /** The base64 lines between the BEGIN and END lines of a private key file. */
    private static List<String> bodyLines(String keyText) {
        List<String> lines = new ArrayList<>();
        for (String line : keyText.split("\\R")) {
            if (!line.isBlank() && !line.startsWith("-----")) {
                lines.add(line.strip());
            }
        }
        assertThat(lines).isNotEmpty();
        lines.add(String.join("", lines));
        return lines;
    }

    private static String stackTrace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }
}
