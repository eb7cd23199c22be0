package io.pv2hvm.samples.cli;

import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.ssh.SshTransport;

import java.nio.file.Path;

/**
 * Run by {@link PassphraseOnTerminalTest} on a pty: the CLI's SSH options for an encrypted key
 * (args: key file, known_hosts, a closed port), then one command. The key is read before the
 * port is tried, so "Could not connect" means the passphrase decrypted it.
 */
public final class PassphrasePromptProbe {
    private PassphrasePromptProbe() {
    }

    public static void main(String[] args) {
        MigrationOptions o = new MigrationOptions();
        o.sshHost = "127.0.0.1";
        o.sshUser = "root";
        o.sshKey = Path.of(args[0]);
        o.knownHosts = Path.of(args[1]);
        o.sshPort = Integer.parseInt(args[2]);
        o.sshConfig = "none";
        try (SshTransport t = SshOptions.transport(o, System.getenv(), System.console())) {
            t.exec(Command.of("true"));
        } catch (TransportException e) {
            System.out.println(e.getMessage().contains("Could not connect") ? "KEY-DECRYPTED" : e.getMessage());
        } catch (RuntimeException e) {
            System.out.println("FAILED: " + e.getMessage());
        }
    }
}
