package io.pv2hvm.samples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI asks for an encrypted SSH key's passphrase on the terminal, without echo, in preference
 * to PV2HVM_SSH_PASSPHRASE: a JVM on a pty ({@code script} from util-linux) is answered through it.
 */
class PassphraseOnTerminalTest {
    private static final String PASSPHRASE = "typed-" + System.nanoTime();

    @TempDir
    Path dir;

    @Test
    void encryptedKey_onATerminal_isAskedForWithoutEchoAndDecrypted() throws Exception {
        Path key = dir.resolve("id_encrypted");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-a", "2", "-N", PASSPHRASE, "-f",
                key.toString()).redirectErrorStream(true).start();
        assertThat(keygen.waitFor(30, TimeUnit.SECONDS) && keygen.exitValue() == 0).as("ssh-keygen").isTrue();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path args = dir.resolve("probe.args");
        Files.writeString(args, String.join("\n", "-cp", "\"" + classpath + "\"", PassphrasePromptProbe.class.getName(),
                key.toString(), Files.writeString(dir.resolve("known_hosts"), "").toString(),
                String.valueOf(closedPort)), StandardCharsets.UTF_8);
        Path typescript = dir.resolve("terminal.out");
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", "exec '" + java + "' @" + args, "/dev/null")
                .redirectOutput(typescript.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put(TerminalPassphrasePrompt.ENV, "not-the-passphrase");
        Process p = pb.start();
        // Type only once the prompt is shown (echo is off by then), as a user would.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(typescript).contains("Enter passphrase") && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        try (OutputStream typing = p.getOutputStream()) {
            typing.write((PASSPHRASE + "\n").getBytes(StandardCharsets.UTF_8));
            typing.flush();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        String screen = Files.readString(typescript, StandardCharsets.UTF_8);

        assertThat(screen).contains("Enter passphrase for SSH key " + key).contains("KEY-DECRYPTED")
                .doesNotContain(PASSPHRASE);
    }
}
