package io.pv2hvm.testkit;

import java.time.Instant;

/**
 * Temporary credentials the emulator issued (STS or IAM Identity Center), so a test can prove that later EC2 and SSM
 * calls were signed with them ({@link RecordedCall#accessKeyId()}).
 *
 * @param action          {@code AssumeRole}, {@code AssumeRoleWithWebIdentity} or (IAM Identity Center) {@code GetRoleCredentials}
 * @param roleArn         the role assumed
 * @param sessionName     the RoleSessionName asked for ({@code sso-user} for Identity Center)
 * @param accessKeyId     the issued key id ({@code ASIA...})
 * @param callerAccessKey the access key id that signed the AssumeRole call, or null for web identity and SSO (unsigned)
 * @param expiration      when the credentials stop working (model clock)
 */
public record IssuedCredentials(String action, String roleArn, String sessionName, String accessKeyId,
                                String callerAccessKey, Instant expiration) {

    /** The 12-digit account the role belongs to. */
    public String account() {
        return roleArn.split(":")[4];
    }
}
