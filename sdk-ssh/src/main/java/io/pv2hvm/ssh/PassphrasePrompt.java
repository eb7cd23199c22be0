package io.pv2hvm.ssh;

/**
 * Asked for the passphrase of an encrypted private key that was given without one (OpenSSH's
 * passphrase prompt; MINA's {@code FilePasswordProvider}). Called when a connection is made, at
 * most {@link #MAX_ATTEMPTS} times per key while the passphrase is wrong.
 *
 * <pre>{@code
 * SshTransport.builder()...passphrases((key, attempt) -> System.console().readPassword("Passphrase for %s: ", key))
 * }</pre>
 */
@FunctionalInterface
public interface PassphrasePrompt {
    /** How often a wrong passphrase is asked for again before the key is given up. */
    int MAX_ATTEMPTS = 3;

    /**
     * The passphrase of the key at {@code keySource} (a file path, or "in-memory key"), or null
     * to give up on that key.
     *
     * @param attempt 1 for the first question, 2 after a wrong answer, and so on
     */
    char[] passphrase(String keySource, int attempt);
}
