package io.pv2hvm.samples.cli;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.ssh.PassphrasePrompt;

import java.io.Console;
import java.util.Map;

/**
 * The CLI's passphrase for an encrypted SSH key: asked on the terminal without echo when there is
 * one, else taken from {@code PV2HVM_SSH_PASSPHRASE} (once: a wrong value is not tried again),
 * else a clear error saying how to give it.
 */
final class TerminalPassphrasePrompt implements PassphrasePrompt {
    static final String ENV = "PV2HVM_SSH_PASSPHRASE";

    private final Console console;
    private final Map<String, String> env;

    TerminalPassphrasePrompt(Console console, Map<String, String> env) {
        this.console = console;
        this.env = env;
    }

    @Override
    public char[] passphrase(String keySource, int attempt) {
        if (console != null) {
            return console.readPassword("Enter passphrase for SSH key %s%s: ", keySource,
                    attempt > 1 ? " (attempt " + attempt + " of " + MAX_ATTEMPTS + ")" : "");
        }
        String given = env.get(ENV);
        if (given != null) {
            return attempt == 1 ? given.toCharArray() : null;
        }
        throw new InvalidSpecException("SSH key " + keySource + " is encrypted and there is no terminal to ask for"
                + " its passphrase. Set " + ENV + ", or add the key to ssh-agent (ssh-add " + keySource + ").");
    }
}
