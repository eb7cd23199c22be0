package io.pv2hvm.ssh.internal;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks host keys against an OpenSSH known_hosts file, re-read at every connection. Strict
 * mode refuses unknown hosts; trust-on-first-use mode appends an unknown host's key. Both refuse
 * a host whose listed keys do not include the presented one, and a key marked {@code @revoked}.
 */
public final class KnownHostsCheck implements HostKeyCheck {
    private static final Logger LOG = LoggerFactory.getLogger(KnownHostsCheck.class);
    /** Serializes appends within this JVM so two first connections do not interleave lines. */
    private static final Object APPEND_LOCK = new Object();

    private final Path file;
    private final boolean trustOnFirstUse;

    private KnownHostsCheck(Path file, boolean trustOnFirstUse) {
        this.file = file;
        this.trustOnFirstUse = trustOnFirstUse;
    }

    /** Only hosts already listed in {@code file}. */
    public static KnownHostsCheck strict(Path file) {
        return new KnownHostsCheck(file, false);
    }

    /** Listed hosts are checked; an unlisted host is accepted and appended to {@code file}. */
    public static KnownHostsCheck trustOnFirstUse(Path file) {
        return new KnownHostsCheck(file, true);
    }

    @Override
    public Optional<String> rejection(String host, int port, PublicKey presented) {
        String seen = Fingerprint.describe(presented);
        List<PublicKey> expected = new ArrayList<>();
        synchronized (APPEND_LOCK) {
            List<KnownHostEntry> entries;
            try {
                entries = Files.exists(file) ? KnownHostEntry.readKnownHostEntries(file) : List.of();
            } catch (IOException | RuntimeException e) {
                return Optional.of("Cannot read known_hosts file " + file + " to check the host key of " + host + ":"
                        + port + " (" + e.getClass().getSimpleName() + "); the server presented " + seen + ".");
            }
            for (KnownHostEntry entry : entries) {
                if (!entry.isHostMatch(host, port)) {
                    continue;
                }
                PublicKey listed = resolve(entry);
                if (listed == null) {
                    continue;
                }
                String marker = entry.getMarker();
                if ("revoked".equalsIgnoreCase(marker)) {
                    if (KeyUtils.compareKeys(listed, presented)) {
                        return Optional.of("Host key " + seen + " of " + host + ":" + port + " is marked @revoked in "
                                + file + ". Refusing to connect.");
                    }
                } else if (marker == null || marker.isEmpty()) {
                    if (KeyUtils.compareKeys(listed, presented)) {
                        return Optional.empty();
                    }
                    expected.add(listed);
                }
            }
            if (!expected.isEmpty()) {
                List<String> fps = expected.stream().map(Fingerprint::describe).toList();
                return Optional.of("Host key of " + host + ":" + port + " does not match " + file + ": the server presented "
                        + seen + ", expected " + String.join(" or ", fps) + ". Refusing to connect: this is either a"
                        + " re-keyed host or a machine in the middle; if the change is legitimate, update " + file + ".");
            }
            if (!trustOnFirstUse) {
                return Optional.of("Host " + host + ":" + port + " is not listed in known_hosts file " + file
                        + "; the server presented " + seen + ". Add its key (for example from ssh-keyscan or the"
                        + " instance's console output) or opt in to trust-on-first-use.");
            }
            try {
                append(host, port, presented);
            } catch (IOException e) {
                return Optional.of("Trust-on-first-use could not record the host key " + seen + " of " + host + ":" + port
                        + " in " + file + " (" + e.getMessage() + "); refusing to connect without recording it.");
            }
        }
        LOG.warn("Trusting {}:{} on first use: recorded host key {} in {}", host, port, seen, file);
        return Optional.empty();
    }

    private void append(String host, int port, PublicKey key) throws IOException {
        String name = port == 22 ? host : "[" + host + "]:" + port;
        String line = name + " " + PublicKeyEntry.toString(key) + System.lineSeparator();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (Files.exists(file) && Files.size(file) > 0 && !endsWithNewline()) {
            bytes = (System.lineSeparator() + line).getBytes(StandardCharsets.UTF_8);
        }
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private boolean endsWithNewline() throws IOException {
        byte[] all = Files.readAllBytes(file);
        return all.length == 0 || all[all.length - 1] == '\n';
    }

    private static PublicKey resolve(KnownHostEntry entry) {
        try {
            return entry.getKeyEntry() == null ? null
                    : entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.debug("Skipping an unreadable known_hosts entry ({})", e.getClass().getSimpleName());
            return null;
        }
    }

    @Override
    public String toString() {
        return (trustOnFirstUse ? "trust-on-first-use " : "known_hosts ") + file;
    }
}
