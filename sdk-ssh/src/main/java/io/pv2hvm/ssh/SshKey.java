package io.pv2hvm.ssh;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.ssh.internal.PrivateKeyLoader;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Objects;

/**
 * A private key used to log in: OpenSSH ({@code -----BEGIN OPENSSH PRIVATE KEY-----}) or PEM,
 * Ed25519, RSA or ECDSA, read from a file or held in memory, optionally protected by a
 * passphrase. Immutable.
 *
 * <p>The key is read when a connection is made, not when this value is created, so a file may
 * appear later. Neither the key material nor the passphrase ever appears in {@link #toString()},
 * a log line or an exception message; only the file name (or "in-memory key") does.
 */
public final class SshKey {
    private final Path file;
    private final byte[] content;
    private final char[] passphrase;

    private SshKey(Path file, byte[] content, char[] passphrase) {
        this.file = file;
        this.content = content;
        this.passphrase = passphrase;
    }

    /** The private key in {@code file} (for example {@code ~/.ssh/id_ed25519}). */
    public static SshKey fromFile(Path file) {
        return new SshKey(Objects.requireNonNull(file, "file"), null, null);
    }

    /** A private key held in memory, in OpenSSH or PEM text form. */
    public static SshKey fromText(String privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        if (privateKey.isBlank()) {
            throw new InvalidSpecException("The in-memory SSH private key is empty.");
        }
        return new SshKey(null, privateKey.getBytes(StandardCharsets.UTF_8), null);
    }

    /** A private key held in memory, as the bytes of an OpenSSH or PEM key file. */
    public static SshKey fromBytes(byte[] privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        if (privateKey.length == 0) {
            throw new InvalidSpecException("The in-memory SSH private key is empty.");
        }
        return new SshKey(null, privateKey.clone(), null);
    }

    /** The same key, decrypted with {@code passphrase} (the array is copied). */
    public SshKey withPassphrase(char[] passphrase) {
        Objects.requireNonNull(passphrase, "passphrase");
        return new SshKey(file, content, passphrase.clone());
    }

    /** The same key, decrypted with {@code passphrase}. */
    public SshKey withPassphrase(String passphrase) {
        return withPassphrase(Objects.requireNonNull(passphrase, "passphrase").toCharArray());
    }

    /** Whether a passphrase was given. */
    public boolean hasPassphrase() {
        return passphrase != null;
    }

    /** Where the key comes from, safe for logs: the file path or {@code in-memory key}. */
    public String source() {
        return file != null ? file.toString() : "in-memory key";
    }

    /** Reads and decrypts the key pair; errors name {@link #source()} only. */
    KeyPair load() {
        return load(null);
    }

    /** Reads and decrypts the key pair, asking {@code prompt} (if not null) when it is encrypted and has no passphrase. */
    KeyPair load(PassphrasePrompt prompt) {
        return PrivateKeyLoader.load(source(), file, content, passphrase, prompt);
    }

    /** Shows where the key comes from, never its content or passphrase. */
    @Override
    public String toString() {
        return "SshKey[" + source() + (passphrase != null ? ", passphrase protected" : "") + "]";
    }

    /** Two keys are equal when they come from the same file or hold the same bytes and passphrase. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SshKey k && Objects.equals(file, k.file) && Arrays.equals(content, k.content)
                && Arrays.equals(passphrase, k.passphrase);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, Arrays.hashCode(content));
    }
}
