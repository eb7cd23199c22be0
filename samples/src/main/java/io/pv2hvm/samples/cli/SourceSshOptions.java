package io.pv2hvm.samples.cli;

import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.ssh.HostKeyPolicy;
import io.pv2hvm.ssh.JumpHost;
import io.pv2hvm.ssh.SshKey;
import io.pv2hvm.ssh.SshTransport;
import picocli.CommandLine.Option;

import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * DUAL_BOOT's way to the running source over SSH: the options as a transport factory that gets
 * the source's private IP (AwsSteps' {@code sourceTransport}), with OpenSSH's defaults as for the
 * worker's SSH (~/.ssh/config, ~/.ssh/known_hosts checked strictly, the ssh-agent of SSH_AUTH_SOCK).
 */
final class SourceSshOptions {
    @Option(names = "--source-over-ssh", description = "With --strategy DUAL_BOOT: reach the running source over SSH"
            + " (to its private IP, or --source-ssh-host), as root or as a user with sudo -n.")
    boolean enabled;

    @Option(names = "--source-ssh-host", paramLabel = "HOST", description = "With --source-over-ssh: the source's"
            + " address or a Host of the SSH config (default: its private IP).")
    String host;

    @Option(names = "--source-ssh-user", paramLabel = "USER", description = "With --source-over-ssh: SSH user on the"
            + " source (a non-root user needs sudo -n); default: the SSH config's User.")
    String user;

    @Option(names = "--source-ssh-port", paramLabel = "PORT", description = "With --source-over-ssh: SSH port;"
            + " default: the SSH config's Port, else 22.")
    Integer port;

    @Option(names = "--source-ssh-key", paramLabel = "FILE", description = "With --source-over-ssh: private key file;"
            + " default: the SSH config's IdentityFile and the ssh-agent's keys.")
    Path key;

    @Option(names = "--source-ssh-jump", paramLabel = "[USER@]HOST[:PORT][,...]", description = "With"
            + " --source-over-ssh: jump hosts, as ssh -J, each checked against the same known_hosts.")
    String jump;

    @Option(names = "--source-known-hosts", paramLabel = "FILE", description = "With --source-over-ssh: known_hosts"
            + " file checked strictly; default ~/.ssh/known_hosts.")
    Path knownHosts;

    /** Whether SSH to the source was asked for; a --source-ssh-* option without --source-over-ssh is a usage error. */
    boolean requested() {
        boolean anyDetail = host != null || user != null || port != null || key != null || jump != null
                || knownHosts != null;
        if (anyDetail && !enabled) {
            throw new UsageException("The --source-ssh-* and --source-known-hosts options configure --source-over-ssh;"
                    + " add --source-over-ssh (with --strategy DUAL_BOOT), or drop them.");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new UsageException("--source-ssh-port must be 1-65535, not " + port + ".");
        }
        if (key != null && !Files.isReadable(key)) {
            throw new UsageException("--source-ssh-key " + key + " is not a readable file.");
        }
        return enabled;
    }

    /** The transport to the source at the private IP it is given (or at --source-ssh-host). */
    Function<String, CommandTransport> transports(Map<String, String> env, Console console) {
        Path home = Path.of(System.getProperty("user.home"));
        Path config = home.resolve(".ssh/config");
        return privateIp -> {
            SshTransport.Builder b = SshTransport.builder().host(host != null ? host : privateIp)
                    .hostKeys(HostKeyPolicy.knownHosts(knownHosts != null ? knownHosts : home.resolve(".ssh/known_hosts")))
                    .passphrases(new TerminalPassphrasePrompt(console, env));
            if (Files.isRegularFile(config)) {
                b = b.sshConfig(config);
            }
            if (user != null) {
                b = b.user(user);
            }
            if (port != null) {
                b = b.port(port);
            }
            if (key != null) {
                b = b.key(SshKey.fromFile(key));
            }
            if (jump != null) {
                b = b.jumpHosts(JumpHost.parse(jump).toArray(JumpHost[]::new));
            }
            String agent = env.get("SSH_AUTH_SOCK");
            if (agent != null && !agent.isBlank() && Files.exists(Path.of(agent))) {
                b = b.agent(Path.of(agent));
            }
            return b.build();
        };
    }
}
