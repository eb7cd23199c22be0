package io.pv2hvm.testkit.internal.sts;

import io.pv2hvm.testkit.IssuedCredentials;
import io.pv2hvm.testkit.internal.model.IdGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may call the emulator: the long-term access keys it was told about, the roles that may be
 * assumed, and the temporary credentials its STS issued. With no keys configured any access key
 * is accepted (the emulator then cannot tell keys apart, as before it knew of STS); temporary
 * credentials it issued are always checked: session token and expiry.
 */
public final class Principals {

    /** The account of the emulator's long-term keys and of every resource in its world. */
    public static final String HOME_ACCOUNT = "123456789012";
    /** A role's MaxSessionDuration when not configured: IAM's default of one hour
     * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html). */
    public static final Duration DEFAULT_MAX_SESSION = Duration.ofHours(1);

    /** Why a request's credentials were refused. */
    public enum Refusal { UNKNOWN_KEY, BAD_SESSION_TOKEN, EXPIRED }

    /** A caller: an IAM user of a long-term key, or a role session of temporary credentials. */
    public record Caller(String accessKeyId, String arn, String userId, String account, boolean assumedRole) {
    }

    /** Credentials issued to a role session, with the secret and token only the caller gets. */
    public record Grant(IssuedCredentials issued, String secretAccessKey, String sessionToken, Caller caller) {
    }

    private final Clock clock;
    private final IdGenerator ids;
    private final Map<String, String> longTermKeys;
    private final Map<String, Duration> roles;
    private final Map<String, Grant> sessions = new ConcurrentHashMap<>();
    private final List<IssuedCredentials> issued = new ArrayList<>();

    /**
     * @param longTermKeys access key id to secret; empty accepts any key
     * @param roles        role ARN to its MaxSessionDuration; empty lets any well-formed role ARN be assumed
     */
    public Principals(Clock clock, long seed, Map<String, String> longTermKeys, Map<String, Duration> roles) {
        this.clock = clock;
        this.ids = new IdGenerator(seed);
        this.longTermKeys = Map.copyOf(longTermKeys);
        this.roles = Map.copyOf(roles);
    }

    /** Checks a request's signer; null when accepted. */
    public Refusal check(String accessKeyId, String sessionToken) {
        if (accessKeyId == null) {
            return longTermKeys.isEmpty() ? null : Refusal.UNKNOWN_KEY;
        }
        Grant s = sessions.get(accessKeyId);
        if (s != null) {
            if (!s.sessionToken().equals(sessionToken)) {
                return Refusal.BAD_SESSION_TOKEN;
            }
            return clock.instant().isBefore(s.issued().expiration()) ? null : Refusal.EXPIRED;
        }
        if (longTermKeys.isEmpty()) {
            return null;
        }
        return longTermKeys.containsKey(accessKeyId) && sessionToken == null ? null : Refusal.UNKNOWN_KEY;
    }

    /** The identity behind an accepted access key. */
    public Caller caller(String accessKeyId) {
        Grant s = accessKeyId == null ? null : sessions.get(accessKeyId);
        if (s != null) {
            return s.caller();
        }
        return new Caller(accessKeyId, "arn:aws:iam::" + HOME_ACCOUNT + ":user/pv2hvm-emulator",
                "AIDA" + Integer.toHexString(String.valueOf(accessKeyId).hashCode()).toUpperCase(), HOME_ACCOUNT, false);
    }

    /** The role's MaxSessionDuration, or null when the role is unknown (AccessDenied). */
    public Duration maxSession(String roleArn) {
        if (roles.isEmpty()) {
            return DEFAULT_MAX_SESSION;
        }
        return roles.get(roleArn);
    }

    /** The credentials of a new role session, with their secret and token. */
    public synchronized Grant issue(String action, String roleArn, String sessionName, String callerKey,
                                       Duration duration) {
        String keyId = "ASIA" + ids.hex(16).toUpperCase();
        String secret = ids.hex(40);
        String token = "FwoGZXIvYXdzE" + ids.hex(64);
        Instant expiration = clock.instant().plus(duration);
        String account = roleArn.split(":")[4];
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        String roleId = "AROA" + ids.hex(17).toUpperCase();
        Caller caller = new Caller(keyId, "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + sessionName,
                roleId + ":" + sessionName, account, true);
        IssuedCredentials record = new IssuedCredentials(action, roleArn, sessionName, keyId, callerKey, expiration);
        Grant grant = new Grant(record, secret, token, caller);
        sessions.put(keyId, grant);
        issued.add(record);
        return grant;
    }

    /** Every credential issued so far, oldest first. */
    public synchronized List<IssuedCredentials> issued() {
        return List.copyOf(issued);
    }
}
