package io.pv2hvm.testkit.internal.sts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pv2hvm.testkit.internal.http.HttpAnswer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The IAM Identity Center portal's {@code GetRoleCredentials}
 * (https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html):
 * {@code GET /federation/credentials?account_id=&role_name=} with the bearer token of a signed-in
 * user in {@code x-amz-sso_bearer_token}, answering the role's temporary credentials in REST-JSON.
 */
public final class SsoPortal {

    /** The path of GetRoleCredentials. */
    public static final String PATH = "/federation/credentials";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Principals principals;
    private final Set<String> tokens;

    /** @param tokens the portal access tokens of signed-in users; an empty set accepts none */
    public SsoPortal(Principals principals, Set<String> tokens) {
        this.principals = principals;
        this.tokens = Set.copyOf(tokens);
    }

    public HttpAnswer getRoleCredentials(Map<String, String> query, String bearerToken) {
        String account = query.get("account_id");
        String role = query.get("role_name");
        if (bearerToken == null || !tokens.contains(bearerToken)) {
            return error(401, "UnauthorizedException", "Session token not found or invalid");
        }
        if (account == null || !account.matches("\\d{12}") || role == null || role.isEmpty()) {
            return error(400, "InvalidRequestException", "account_id must be 12 digits and role_name is required");
        }
        String roleArn = "arn:aws:iam::" + account + ":role/" + role;
        Duration max = principals.maxSession(roleArn);
        if (max == null) {
            return error(403, "ForbiddenException", "No access");
        }
        Principals.Grant g = principals.issue("GetRoleCredentials", roleArn, "sso-user", null, max);
        ObjectNode creds = JSON.createObjectNode()
                .put("accessKeyId", g.issued().accessKeyId())
                .put("secretAccessKey", g.secretAccessKey())
                .put("sessionToken", g.sessionToken())
                .put("expiration", g.issued().expiration().toEpochMilli());
        ObjectNode body = JSON.createObjectNode();
        body.set("roleCredentials", creds);
        return new HttpAnswer(200, "application/json", body.toString(), null);
    }

    private static HttpAnswer error(int status, String code, String message) {
        return new HttpAnswer(status, "application/json", JSON.createObjectNode().put("message", message).toString(), code);
    }
}
