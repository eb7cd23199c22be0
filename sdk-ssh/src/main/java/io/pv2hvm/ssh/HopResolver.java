package io.pv2hvm.ssh;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.ssh.internal.Hop;
import io.pv2hvm.ssh.internal.OpenSshConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Turns a transport's settings into the hops to connect through. Explicit settings win; what is
 * not set comes from the SSH config file's entry for the host (HostName, Port, User,
 * IdentityFile, ProxyJump), as with OpenSSH; jump hosts then fall back to the transport's user,
 * key and host-key policy. Keys are read only when connecting.
 */
final class HopResolver {
    private static final OpenSshConfig.Entry NO_ENTRY = new OpenSshConfig.Entry(null, 0, null, List.of(), null);

    private final OpenSshConfig config;
    private final Path agentSocket;
    private final PassphrasePrompt prompt;

    HopResolver(Path configFile, Path agentSocket, PassphrasePrompt prompt) {
        this.config = configFile == null ? null : OpenSshConfig.of(configFile);
        this.agentSocket = agentSocket;
        this.prompt = prompt;
    }

    /** The settings of one host, as given to the transport. */
    record Given(String host, Integer port, String user, SshKey key, HostKeyPolicy hostKeys) {
    }

    /**
     * The hops to {@code target}, after {@code jumpHosts} (null: the config's ProxyJump, if any).
     *
     * @throws InvalidSpecException listing everything that is missing
     */
    List<Hop> resolve(Given target, List<JumpHost> jumpHosts) {
        List<String> missing = new ArrayList<>();
        OpenSshConfig.Entry t = entry(target.host());
        String user = target.user() != null ? target.user() : t.user();
        if (user != null) {
            user = SshTransport.checkUser(user);
        } else {
            missing.add("user" + (config == null ? "" : " (no User for " + target.host() + " in " + config + ")"));
        }
        Keys targetKeys = keys(target.key(), t.identities());
        if (targetKeys == null) {
            missing.add("key (an SshKey, an IdentityFile in the SSH config, or an ssh-agent)");
        }
        if (target.hostKeys() == null) {
            missing.add("hostKeys (HostKeyPolicy.knownHosts, pinned or trustOnFirstUse)");
        }
        List<JumpHost> chain = jumpHosts != null ? jumpHosts
                : t.proxyJump() != null ? JumpHost.parse(t.proxyJump()) : List.of();
        List<Hop> hops = new ArrayList<>();
        for (JumpHost j : chain) {
            OpenSshConfig.Entry e = entry(j.host());
            String jumpUser = j.user() != null ? j.user() : e.user() != null ? SshTransport.checkUser(e.user()) : user;
            Keys keys = j.key() != null || !e.identities().isEmpty() ? keys(j.key(), e.identities()) : targetKeys;
            HostKeyPolicy policy = j.hostKeyPolicy() != null ? j.hostKeyPolicy() : target.hostKeys();
            if (jumpUser == null || keys == null || policy == null) {
                missing.add("user, key and hostKeys of jump host " + j);
                continue;
            }
            int port = j.explicitPort() != null ? j.explicitPort() : e.port() > 0 ? e.port() : 22;
            hops.add(new Hop(e.hostName() != null ? e.hostName() : j.host(), port, jumpUser, keys.loader(),
                    keys.source(), policy.check()));
        }
        if (!missing.isEmpty()) {
            throw new InvalidSpecException("SshTransport is missing: " + String.join("; ", missing) + ".");
        }
        int port = target.port() != null ? target.port() : t.port() > 0 ? t.port() : 22;
        hops.add(new Hop(t.hostName() != null ? t.hostName() : target.host(), port, user, targetKeys.loader(),
                targetKeys.source(), target.hostKeys().check()));
        return List.copyOf(hops);
    }

    private OpenSshConfig.Entry entry(String host) {
        return config == null ? NO_ENTRY : config.resolve(host);
    }

    /** The keys to log in with: the explicit key, else the config's IdentityFiles; plus the agent's. Null if none. */
    private Keys keys(SshKey explicit, List<Path> identityFiles) {
        String agent = agentSocket == null ? "" : "ssh-agent " + agentSocket;
        if (explicit != null) {
            return new Keys(() -> List.of(explicit.load(prompt)), join("key " + explicit.source(), agent));
        }
        if (!identityFiles.isEmpty()) {
            String files = identityFiles.stream().map(Path::toString).collect(Collectors.joining(", "));
            return new Keys(() -> loadExisting(identityFiles, files), join("IdentityFile " + files + " from " + config,
                    agent));
        }
        return agentSocket == null ? null : new Keys(List::of, agent);
    }

    private List<KeyPair> loadExisting(List<Path> identityFiles, String names) {
        List<KeyPair> loaded = new ArrayList<>();
        for (Path f : identityFiles) {
            if (Files.exists(f)) {
                loaded.add(SshKey.fromFile(f).load(prompt));
            }
        }
        if (loaded.isEmpty() && agentSocket == null) {
            throw new InvalidSpecException("None of the IdentityFiles " + names + " named in " + config + " exists.");
        }
        return loaded;
    }

    private static String join(String a, String b) {
        return b.isEmpty() ? a : a + " and " + b;
    }

    private record Keys(Supplier<List<KeyPair>> loader, String source) {
    }
}
