package io.pv2hvm.ssh.internal;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.ssh.PassphrasePrompt;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;

/**
 * Reads an OpenSSH or PEM private key (Ed25519, RSA, ECDSA), decrypting it with a passphrase if
 * given. Error messages name the key's source and the kind of failure, never the key or the
 * passphrase, and do not chain the parser's exception (whose message may quote key data).
 */
public final class PrivateKeyLoader {
    private PrivateKeyLoader() {
    }

    /**
     * Loads the key pair from {@code file} or, if it is null, from {@code content}.
     *
     * @param source     a description for error messages (the file name or "in-memory key")
     * @param passphrase the passphrase, or null for an unencrypted key
     */
    public static KeyPair load(String source, Path file, byte[] content, char[] passphrase) {
        return load(source, file, content, passphrase, null);
    }

    /**
     * Loads the key pair; an encrypted key without {@code passphrase} asks {@code prompt} (if not
     * null) up to {@link PassphrasePrompt#MAX_ATTEMPTS} times.
     */
    public static KeyPair load(String source, Path file, byte[] content, char[] passphrase, PassphrasePrompt prompt) {
        NamedResource resource = NamedResource.ofName(source);
        FilePasswordProvider passwords = new FilePasswordProvider() {
            @Override
            public String getPassword(SessionContext session, NamedResource resourceKey, int retryIndex) {
                char[] given = passphrase != null ? passphrase
                        : prompt != null ? prompt.passphrase(source, retryIndex + 1) : null;
                if (given == null && retryIndex > 0) {
                    throw new InvalidSpecException("Cannot read SSH private key " + source + ": the passphrase is"
                            + " wrong.");
                }
                if (given == null) {
                    throw new InvalidSpecException("SSH private key " + source + " is encrypted and no passphrase was"
                            + " given. Give it with SshKey.withPassphrase(...) or SshTransport.Builder.passphrases(...)"
                            + " (CLI: answer the prompt on a terminal, or set PV2HVM_SSH_PASSPHRASE).");
                }
                return new String(given);
            }

            @Override
            public ResourceDecodeResult handleDecodeAttemptResult(SessionContext session, NamedResource resourceKey,
                                                                  int retryIndex, String password, Exception err) {
                boolean askAgain = err != null && passphrase == null && prompt != null
                        && retryIndex + 1 < PassphrasePrompt.MAX_ATTEMPTS;
                return askAgain ? ResourceDecodeResult.RETRY : ResourceDecodeResult.TERMINATE;
            }
        };
        try (InputStream in = file != null ? Files.newInputStream(file) : new ByteArrayInputStream(content)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, resource, in, passwords);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw new InvalidSpecException("No private key found in " + source
                        + "; expected an OpenSSH or PEM private key (Ed25519, RSA or ECDSA).");
            }
            return it.next();
        } catch (NoSuchFileException e) {
            throw new InvalidSpecException("SSH private key file " + source + " does not exist.");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof InvalidSpecException ise) {
                throw ise;
            }
            String why = passphrase == null && prompt == null
                    ? "it is malformed, of an unsupported type, or encrypted (then give its passphrase)"
                    : "the passphrase is wrong, or the key is malformed or of an unsupported type";
            throw new InvalidSpecException("Cannot read SSH private key " + source + ": " + why
                    + " [" + e.getClass().getSimpleName() + "].");
        }
    }
}
