package io.pv2hvm.samples.cli;

import io.pv2hvm.ssh.HostKeyPolicy;
import io.pv2hvm.ssh.JumpHost;
import io.pv2hvm.ssh.SshKey;
import io.pv2hvm.ssh.SshTransport;

import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The CLI's SSH options as an {@link SshTransport}, with OpenSSH's defaults: ~/.ssh/config,
 * ~/.ssh/known_hosts and the ssh-agent of {@code SSH_AUTH_SOCK}; the options win over the config.
 */
final class SshOptions {
    private SshOptions() {
    }

    static SshTransport transport(MigrationOptions o, Map<String, String> env, Console console) {
        Path home = Path.of(System.getProperty("user.home"));
        SshTransport.Builder b = SshTransport.builder().host(o.sshHost)
                .hostKeys(HostKeyPolicy.knownHosts(o.knownHosts != null ? o.knownHosts
                        : home.resolve(".ssh/known_hosts")))
                .passphrases(new TerminalPassphrasePrompt(console, env))
                .legacyAlgorithms(o.sshLegacyAlgorithms);
        Path config = o.sshConfig == null ? existing(home.resolve(".ssh/config"))
                : o.sshConfig.equals("none") ? null : Path.of(o.sshConfig);
        if (config != null) {
            b = b.sshConfig(config);
        }
        if (o.sshUser != null) {
            b = b.user(o.sshUser);
        }
        if (o.sshPort != null) {
            b = b.port(o.sshPort);
        }
        if (o.sshKey != null) {
            b = b.key(SshKey.fromFile(o.sshKey));
        }
        if (o.sshJump != null) {
            b = b.jumpHosts(JumpHost.parse(o.sshJump).toArray(JumpHost[]::new));
        }
        String agent = env.get("SSH_AUTH_SOCK");
        if (agent != null && !agent.isBlank() && Files.exists(Path.of(agent))) {
            b = b.agent(Path.of(agent));
        }
        return b.build();
    }

    private static Path existing(Path file) {
        return Files.isRegularFile(file) ? file : null;
    }
}
