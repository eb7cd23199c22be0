package io.pv2hvm.aws;

import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ServiceClientConfiguration;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.SsmServiceClientConfiguration;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * EC2 and SSM clients in another account: configured like the fleet's own clients (region,
 * endpoint, override configuration) but signed with the credentials of a role assumed there. The
 * {@link StsAssumeRoleCredentialsProvider} assumes the role on the first call and again before
 * the session expires, so a migration longer than a role session keeps working.
 */
final class AccountClients implements AutoCloseable {
    /** The RoleSessionName every fleet session uses: it shows in the other account's CloudTrail. */
    static final String SESSION_NAME = "pv2hvm-fleet";

    private final StsAssumeRoleCredentialsProvider credentials;
    private final Ec2Client ec2;
    private final SsmClient ssm;

    AccountClients(String roleArn, StsClient sts, Ec2Client base, SsmClient baseSsm) {
        this.credentials = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(r -> r.roleArn(roleArn).roleSessionName(SESSION_NAME)).build();
        Ec2ServiceClientConfiguration e = base.serviceClientConfiguration();
        this.ec2 = Ec2Client.builder().region(e.region()).credentialsProvider(credentials)
                .applyMutation(b -> e.endpointOverride().ifPresent(b::endpointOverride))
                .overrideConfiguration(override(e.overrideConfiguration())).build();
        SsmServiceClientConfiguration s = baseSsm.serviceClientConfiguration();
        this.ssm = SsmClient.builder().region(s.region()).credentialsProvider(credentials)
                .applyMutation(b -> s.endpointOverride().ifPresent(b::endpointOverride))
                .overrideConfiguration(override(s.overrideConfiguration())).build();
    }

    private static ClientOverrideConfiguration override(ClientOverrideConfiguration c) {
        return c == null ? ClientOverrideConfiguration.builder().build() : c;
    }

    Ec2Client ec2() {
        return ec2;
    }

    SsmClient ssm() {
        return ssm;
    }

    @Override
    public void close() {
        ec2.close();
        ssm.close();
        credentials.close();
    }
}
