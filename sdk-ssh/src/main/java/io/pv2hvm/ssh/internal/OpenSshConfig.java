package io.pv2hvm.ssh.internal;

import io.pv2hvm.core.InvalidSpecException;
import org.apache.sshd.client.config.hosts.DefaultConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * An OpenSSH client config file ({@code ~/.ssh/config} or another), read by MINA's own resolver
 * ({@link DefaultConfigFileHostEntryResolver}, strict: like OpenSSH it refuses a file that others
 * may write). Only Host, HostName, User, Port, IdentityFile and ProxyJump are used.
 */
public final class OpenSshConfig {
    private final Path file;
    private final HostConfigEntryResolver resolver;

    private OpenSshConfig(Path file, HostConfigEntryResolver resolver) {
        this.file = file;
        this.resolver = resolver;
    }

    /** The config in {@code file}, which must exist. */
    public static OpenSshConfig of(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidSpecException("SSH config file " + file + " does not exist or is not a file.");
        }
        refuseIfOthersMayWrite(file);
        return new OpenSshConfig(file, new DefaultConfigFileHostEntryResolver(file, true));
    }

    /**
     * OpenSSH refuses such a file ("Bad owner or permissions"); MINA's strict resolver only logs a
     * warning and ignores it, which would silently drop its HostName, User and ProxyJump.
     */
    private static void refuseIfOthersMayWrite(Path file) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return;
        } catch (IOException e) {
            throw new InvalidSpecException("Cannot read SSH config file " + file + ": " + e.getMessage());
        }
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new InvalidSpecException("SSH config file " + file + " may be written by others ("
                    + PosixFilePermissions.toString(perms) + "); like OpenSSH, pv2hvm uses it only if it is not"
                    + " writable by others: chmod go-w " + file);
        }
    }

    /** What the file says about {@code host}; values absent from the file are null (port 0). */
    public Entry resolve(String host) {
        HostConfigEntry e;
        try {
            e = resolver.resolveEffectiveHost(host, 0, null, null, null, null);
        } catch (IOException | RuntimeException ex) {
            throw new InvalidSpecException("Cannot use SSH config file " + file + ": " + ex.getMessage()
                    + ". Fix the file (it must be yours and not writable by others, as for OpenSSH) or point"
                    + " at another one.");
        }
        if (e == null) {
            return new Entry(null, 0, null, List.of(), null);
        }
        List<Path> identities = e.getIdentities() == null ? List.of()
                : e.getIdentities().stream().map(Path::of).toList();
        String hostName = e.getHostName() == null || e.getHostName().equals(host) ? null : e.getHostName();
        String proxyJump = e.getProxyJump() == null || e.getProxyJump().isBlank()
                || e.getProxyJump().equalsIgnoreCase("none") ? null : e.getProxyJump();
        return new Entry(hostName, e.getPort(), e.getUsername(), identities, proxyJump);
    }

    @Override
    public String toString() {
        return file.toString();
    }

    /**
     * One host's settings from the file.
     *
     * @param hostName   the HostName, or null
     * @param port       the Port, or 0 (MINA reports 22 when the file names none)
     * @param user       the User, or null
     * @param identities the IdentityFiles, with {@code ~} and {@code %} tokens expanded
     * @param proxyJump  the ProxyJump, or null
     */
    public record Entry(String hostName, int port, String user, List<Path> identities, String proxyJump) {
    }
}
