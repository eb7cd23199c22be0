package io.pv2hvm.testkit.internal.sts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pv2hvm.testkit.internal.http.HttpAnswer;
import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The STS Query API (version 2011-06-15) as AWS documents it: {@code AssumeRole}
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html),
 * {@code AssumeRoleWithWebIdentity}
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html) and
 * {@code GetCallerIdentity}
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html), answering
 * in the STS XML envelope; errors as in
 * https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html.
 */
public final class StsService {

    /** The STS API version every STS Query request carries. */
    public static final String VERSION = "2011-06-15";
    private static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The session name's documented pattern and length (2..64). */
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    /** A role ARN in any partition: arn:PARTITION:iam::ACCOUNT:role/[path/]name. */
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    /** ExternalId: 2..1224 characters of this pattern (AssumeRole reference). */
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Duration MIN_SESSION = Duration.ofSeconds(900);
    private static final Duration MAX_SESSION = Duration.ofSeconds(43_200);
    private static final Duration CHAINED_MAX = Duration.ofHours(1);

    private final Principals principals;
    private final Clock clock;

    public StsService(Principals principals, Clock clock) {
        this.principals = principals;
        this.clock = clock;
    }

    /** Answers one STS request, signed by {@code accessKeyId} (null when unsigned), already authenticated. */
    public HttpAnswer handle(QueryParams params, String accessKeyId, String requestId) {
        String action = params.get("Action", "");
        try {
            return switch (action) {
                case "AssumeRole" -> assumeRole(params, accessKeyId, requestId);
                case "AssumeRoleWithWebIdentity" -> assumeRoleWithWebIdentity(params, requestId);
                case "GetCallerIdentity" -> callerIdentity(accessKeyId, requestId);
                default -> throw new Ec2Exception("InvalidAction", "Could not find operation " + action
                        + " for version " + VERSION);
            };
        } catch (Ec2Exception e) {
            return error(e.status(), e.code(), e.getMessage(), requestId);
        }
    }

    /** An error in the STS envelope. */
    public static HttpAnswer error(int status, String code, String message, String requestId) {
        XmlWriter w = XmlWriter.root("ErrorResponse", NAMESPACE).start("Error")
                .text("Type", status >= 500 ? "Receiver" : "Sender").text("Code", code).text("Message", message).end()
                .text("RequestId", requestId);
        return HttpAnswer.xml(status, w.finish(), code);
    }

    private HttpAnswer assumeRole(QueryParams params, String accessKeyId, String requestId) {
        // Unsigned AssumeRole is refused like any call without credentials.
        if (accessKeyId == null) {
            throw new Ec2Exception("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
        }
        Principals.Caller caller = principals.caller(accessKeyId);
        Request r = validate(params, false);
        String external = params.get("ExternalId");
        if (external != null && !EXTERNAL_ID.matcher(external).matches()) {
            throw validation(List.of(constraint(external, "externalId",
                    "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]* and have length 2..1224")));
        }
        if (caller.assumedRole() && r.duration().compareTo(CHAINED_MAX) > 0) {
            throw new Ec2Exception("ValidationError",
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }
        Duration max = principals.maxSession(r.roleArn());
        if (max == null) {
            throw new Ec2Exception("AccessDenied", "User: " + caller.arn() + " is not authorized to perform:"
                    + " sts:AssumeRole on resource: " + r.roleArn(), 403);
        }
        requireWithinRoleMaximum(r.duration(), max);
        Principals.Grant g = principals.issue("AssumeRole", r.roleArn(), r.sessionName(), accessKeyId, r.duration());
        XmlWriter w = XmlWriter.root("AssumeRoleResponse", NAMESPACE).start("AssumeRoleResult");
        grant(w, g);
        return HttpAnswer.xml(200, w.end().start("ResponseMetadata").text("RequestId", requestId).end().finish(), null);
    }

    private HttpAnswer assumeRoleWithWebIdentity(QueryParams params, String requestId) {
        Request r = validate(params, true);
        String token = params.get("WebIdentityToken");
        JsonNode claims = claims(token);
        Instant expiry = Instant.ofEpochSecond(claims.path("exp").asLong(0));
        if (!clock.instant().isBefore(expiry)) {
            throw new Ec2Exception("ExpiredTokenException", "Token expired: current date/time "
                    + clock.instant().getEpochSecond() + " must be before the expiration date/time "
                    + expiry.getEpochSecond());
        }
        Duration max = principals.maxSession(r.roleArn());
        if (max == null) {
            throw new Ec2Exception("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
        }
        requireWithinRoleMaximum(r.duration(), max);
        Principals.Grant g = principals.issue("AssumeRoleWithWebIdentity", r.roleArn(), r.sessionName(), null,
                r.duration());
        String issuer = claims.path("iss").asText();
        XmlWriter w = XmlWriter.root("AssumeRoleWithWebIdentityResponse", NAMESPACE)
                .start("AssumeRoleWithWebIdentityResult")
                .text("SubjectFromWebIdentityToken", claims.path("sub").asText())
                .text("Audience", claims.path("aud").isArray() ? claims.path("aud").path(0).asText() : claims.path("aud").asText())
                .text("Provider", issuer.replaceFirst("^https://", ""));
        grant(w, g);
        return HttpAnswer.xml(200, w.end().start("ResponseMetadata").text("RequestId", requestId).end().finish(), null);
    }

    private HttpAnswer callerIdentity(String accessKeyId, String requestId) {
        if (accessKeyId == null) {
            throw new Ec2Exception("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
        }
        Principals.Caller c = principals.caller(accessKeyId);
        XmlWriter w = XmlWriter.root("GetCallerIdentityResponse", NAMESPACE).start("GetCallerIdentityResult")
                .text("Arn", c.arn()).text("UserId", c.userId()).text("Account", c.account()).end()
                .start("ResponseMetadata").text("RequestId", requestId).end();
        return HttpAnswer.xml(200, w.finish(), null);
    }

    private static void grant(XmlWriter w, Principals.Grant g) {
        w.start("AssumedRoleUser").text("Arn", g.caller().arn()).text("AssumedRoleId", g.caller().userId()).end()
                .start("Credentials")
                .text("AccessKeyId", g.issued().accessKeyId())
                .text("SecretAccessKey", g.secretAccessKey())
                .text("SessionToken", g.sessionToken())
                .text("Expiration", g.issued().expiration())
                .end();
    }

    private record Request(String roleArn, String sessionName, Duration duration) {
    }

    /** The parameters both AssumeRole actions share, every violation reported at once as AWS does. */
    private static Request validate(QueryParams params, boolean webIdentity) {
        List<String> problems = new ArrayList<>();
        String roleArn = params.get("RoleArn");
        String session = params.get("RoleSessionName");
        if (roleArn == null || roleArn.isEmpty()) {
            problems.add(constraint(roleArn, "roleArn", "Member must not be null"));
        } else if (roleArn.length() < 20 || roleArn.length() > 2048 || !ROLE_ARN.matcher(roleArn).matches()) {
            problems.add(constraint(roleArn, "roleArn", "Member must be a role ARN such as"
                    + " arn:aws:iam::123456789012:role/name, 20 to 2048 characters"));
        }
        if (session == null || session.isEmpty()) {
            problems.add(constraint(session, "roleSessionName", "Member must not be null"));
        } else if (!SESSION_NAME.matcher(session).matches()) {
            problems.add(constraint(session, "roleSessionName",
                    "Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2..64"));
        }
        if (webIdentity) {
            String token = params.get("WebIdentityToken");
            if (token == null || token.length() < 4 || token.length() > 20_000) {
                problems.add(constraint(token == null ? null : "***", "webIdentityToken",
                        "Member must have length between 4 and 20000"));
            }
        }
        Duration duration = Duration.ofHours(1);
        String seconds = params.get("DurationSeconds");
        if (seconds != null) {
            try {
                duration = Duration.ofSeconds(Long.parseLong(seconds));
                if (duration.compareTo(MIN_SESSION) < 0) {
                    problems.add(constraint(seconds, "durationSeconds", "Member must have value greater than or equal to 900"));
                } else if (duration.compareTo(MAX_SESSION) > 0) {
                    problems.add(constraint(seconds, "durationSeconds", "Member must have value less than or equal to 43200"));
                }
            } catch (NumberFormatException e) {
                problems.add(constraint(seconds, "durationSeconds", "Member must be an integer"));
            }
        }
        if (!problems.isEmpty()) {
            throw validation(problems);
        }
        return new Request(roleArn, session, duration);
    }

    private static void requireWithinRoleMaximum(Duration requested, Duration max) {
        if (requested.compareTo(max) > 0) {
            throw new Ec2Exception("ValidationError",
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
    }

    /** The claims of a JWT (header.payload.signature, base64url); InvalidIdentityToken when it is none. */
    private static JsonNode claims(String token) {
        String[] parts = token.split("\\.");
        try {
            if (parts.length != 3) {
                throw new IllegalArgumentException("not three parts");
            }
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            if (!claims.path("iss").isTextual() || !claims.path("sub").isTextual() || !claims.path("exp").canConvertToLong()) {
                throw new IllegalArgumentException("iss, sub or exp missing");
            }
            return claims;
        } catch (Exception e) {
            throw new Ec2Exception("InvalidIdentityToken", "The web identity token is not a valid JWT with iss, sub"
                    + " and exp claims: " + e.getMessage());
        }
    }

    private static String constraint(String value, String member, String rule) {
        return "Value " + (value == null ? "null" : "'" + value + "'") + " at '" + member
                + "' failed to satisfy constraint: " + rule;
    }

    private static Ec2Exception validation(List<String> problems) {
        return new Ec2Exception("ValidationError", problems.size() + " validation error"
                + (problems.size() == 1 ? "" : "s") + " detected: " + String.join("; ", problems));
    }
}
