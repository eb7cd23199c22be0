package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.AwsTimeouts;
import io.pv2hvm.samples.sandbox.ApiCallLog;
import io.pv2hvm.samples.sandbox.EmulatorTimeouts;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.SsmClientBuilder;

import java.net.URI;

/**
 * The AWS options every command that talks to EC2 shares, with the AWS CLI's meaning: region
 * and credentials from the default chains unless given, {@code --endpoint-url} for an emulator
 * or a VPC endpoint.
 *
 * <p>Credentials come from the SDK's own chains, never a hand-built provider: with
 * {@code --profile}, the profile chain (static keys, {@code role_arn} with {@code source_profile}
 * or {@code credential_source}, {@code credential_process}, IAM Identity Center {@code sso_session},
 * {@code web_identity_token_file}); without it, the default chain (environment, web identity as
 * IRSA sets it, {@code AWS_PROFILE}, container credentials as EKS Pod Identity and ECS set them,
 * the instance profile). The {@code sts}, {@code sso} and {@code ssooidc} modules they need are
 * on the CLI's classpath. As in the AWS CLI, {@code --endpoint-url} moves only the EC2 and SSM
 * calls; STS and SSO keep the SDK's endpoint settings ({@code AWS_ENDPOINT_URL_STS}, or
 * {@code endpoint_url} in a {@code [services]} section of the config file).
 */
public final class AwsConnection {
    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region (default: AWS_REGION, else the region of --profile or the default profile;"
                    + " us-east-1 with --endpoint-url).")
    String region;

    @Option(names = "--profile", paramLabel = "NAME", description = "Named profile from ~/.aws/config (or"
            + " AWS_CONFIG_FILE) for credentials and region: static keys, role_arn + source_profile, credential_process,"
            + " sso_session or web_identity_token_file.")
    String profile;

    private AwsCredentialsProvider credentials;

    /** Every call of the clients made here, for {@code --report}. */
    private final ApiCallLog apiCalls = new ApiCallLog();

    /** {@code --debug}'s log of every request and response, or null. */
    private WireLog wireLog;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "Send EC2 and SSM calls here, e.g. to the emulator 'pv2hvm emulator' runs.")
    URI endpoint;

    @Option(names = "--emulator-time-scale", paramLabel = "X",
            description = "With --endpoint-url: the emulator runs EC2 latencies X times (e.g. 0.01); EC2 waits"
                    + " shrink to match. Default 1 (real EC2 timing).")
    Double timeScale;

    /** An EC2 client for these options. */
    public Ec2Client ec2() {
        Ec2ClientBuilder b = Ec2Client.builder().region(region()).credentialsProvider(credentials())
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(overrides());
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }

    /** An SSM client for these options. */
    public SsmClient ssm() {
        SsmClientBuilder b = SsmClient.builder().region(region()).credentialsProvider(credentials())
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(overrides());
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }

    /** Logs every request and response of the clients made from now on to {@code err} ({@code --debug}). */
    void logWire(java.io.PrintWriter err) {
        wireLog = new WireLog(err);
    }

    private ClientOverrideConfiguration overrides() {
        ClientOverrideConfiguration.Builder b = ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD)
                .addExecutionInterceptor(apiCalls);
        if (wireLog != null) {
            b.addExecutionInterceptor(wireLog);
        }
        return b.build();
    }

    /** The calls the clients made here have made so far. */
    ApiCallLog apiCalls() {
        return apiCalls;
    }

    /** EC2 waits: the defaults for AWS, scaled for an emulator. */
    public AwsTimeouts timeouts() {
        if (timeScale == null) {
            return AwsTimeouts.defaults();
        }
        if (endpoint == null) {
            throw new UsageException("--emulator-time-scale applies only with --endpoint-url (an emulator).");
        }
        try {
            return EmulatorTimeouts.forTimeScale(timeScale);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--emulator-time-scale: " + e.getMessage() + ".");
        }
    }

    /** Whether calls go to an endpoint other than AWS's own. */
    public boolean customEndpoint() {
        return endpoint != null;
    }

    /** Where calls go, for error messages; never throws (an unknown region is null). */
    SetupErrors.Target target() {
        String name;
        try {
            name = region().id();
        } catch (RuntimeException e) {
            name = null;
        }
        return new SetupErrors.Target(name, profile, endpoint);
    }

    private Region region() {
        if (region != null) {
            return Region.of(region);
        }
        if (endpoint != null) {
            return Region.US_EAST_1;
        }
        try {
            return (profile == null ? DefaultAwsRegionProviderChain.builder().build()
                    : DefaultAwsRegionProviderChain.builder().profileName(profile).build()).getRegion();
        } catch (RuntimeException e) {
            throw new UsageException("No AWS region: pass --region, or set AWS_REGION or a region in ~/.aws/config.");
        }
    }

    /** One provider for every client of the command, so a role is assumed (or a process run) once, then refreshed. */
    private synchronized AwsCredentialsProvider credentials() {
        if (credentials == null) {
            if (profile != null && ProfileFile.defaultProfileFile().profile(profile).isEmpty()) {
                throw new UsageException("No profile '" + profile + "' in the AWS config or credentials file"
                        + " (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials);"
                        + " create it with 'aws configure --profile " + profile + "' or 'aws configure sso'.");
            }
            credentials = profile != null ? ProfileCredentialsProvider.builder().profileName(profile).build()
                    : DefaultCredentialsProvider.builder().build();
        }
        return credentials;
    }
}
