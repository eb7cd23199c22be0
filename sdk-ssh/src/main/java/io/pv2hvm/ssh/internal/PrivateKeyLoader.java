package io.pv2hvm.ssh.internal;

import io.pv2hvm.core.InvalidSpecException;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
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
        NamedResource resource = NamedResource.ofName(source);
        FilePasswordProvider passwords = passphrase == null
                ? FilePasswordProvider.EMPTY
                : new FilePasswordProvider() {
                    @Override
                    public String getPassword(org.apache.sshd.common.session.SessionContext session,
                                              NamedResource resourceKey, int retryIndex) {
                        return new String(passphrase);
                    }

                    @Override
                    public ResourceDecodeResult handleDecodeAttemptResult(
                            org.apache.sshd.common.session.SessionContext session, NamedResource resourceKey,
                            int retryIndex, String password, Exception err) {
                        return ResourceDecodeResult.TERMINATE;
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
            String why = passphrase == null
                    ? "it is malformed, of an unsupported type, or encrypted (then give its passphrase)"
                    : "the passphrase is wrong, or the key is malformed or of an unsupported type";
            throw new InvalidSpecException("Cannot read SSH private key " + source + ": " + why
                    + " [" + e.getClass().getSimpleName() + "].");
        }
    }
}
