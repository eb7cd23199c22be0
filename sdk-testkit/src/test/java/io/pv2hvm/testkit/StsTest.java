package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** The emulator's STS and its credential checks, through the real StsClient, Ec2Client and SsmClient. */
class StsTest {

    private static final String SOURCE_KEY = "AKIASOURCE0000000001";
    private static final String SOURCE_SECRET = "source-secret";
    private static final String ROLE = "arn:aws:iam::210987654321:role/pv2hvm-migrator";
    private static final String LONG_ROLE = "arn:aws:iam::210987654321:role/pv2hvm-long";

    /** Starts now: the SDK's credential providers compare expirations with the real clock. */
    private final ManualClock clock = ManualClock.at(java.time.Instant.now());
    private Ec2Emulator aws;
    private StsClient sts;

    @BeforeEach
    void start() {
        aws = Ec2Emulator.builder().world(Worlds.migration()).clock(clock).latency(LatencyModel.realistic())
                .accessKey(SOURCE_KEY, SOURCE_SECRET).role(ROLE).role(LONG_ROLE, Duration.ofHours(12))
                .build().start();
        sts = sts(StaticCredentialsProvider.create(AwsBasicCredentials.create(SOURCE_KEY, SOURCE_SECRET)));
    }

    @AfterEach
    void stop() {
        sts.close();
        aws.stop();
    }

    private StsClient sts(AwsCredentialsProvider credentials) {
        return aws.stsClientBuilder().credentialsProvider(credentials).overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    private Ec2Client ec2(AwsCredentialsProvider credentials) {
        return aws.ec2ClientBuilder().credentialsProvider(credentials).overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    private static StaticCredentialsProvider session(Credentials c) {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(),
                c.sessionToken()));
    }

    private Credentials assume(String role, Integer seconds) {
        return sts.assumeRole(r -> r.roleArn(role).roleSessionName("pv2hvm-test").durationSeconds(seconds)).credentials();
    }

    @Test
    void assumeRole_issuesTemporaryCredentials_whoseEc2CallsTheJournalAttributesToThem() {
        Credentials c = assume(ROLE, null);

        assertThat(c.accessKeyId()).startsWith("ASIA");
        assertThat(c.expiration()).isEqualTo(clock.instant().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        try (Ec2Client ec2 = ec2(session(c)); StsClient asRole = sts(session(c))) {
            ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE));
            GetCallerIdentityResponse me = asRole.getCallerIdentity();
            assertThat(me.account()).isEqualTo("210987654321");
            assertThat(me.arn()).isEqualTo("arn:aws:sts::210987654321:assumed-role/pv2hvm-migrator/pv2hvm-test");
        }
        assertThat(aws.issuedCredentials()).singleElement().satisfies(i -> {
            assertThat(i.accessKeyId()).isEqualTo(c.accessKeyId());
            assertThat(i.callerAccessKey()).isEqualTo(SOURCE_KEY);
            assertThat(i.roleArn()).isEqualTo(ROLE);
            assertThat(i.account()).isEqualTo("210987654321");
        });
        RecordedCall describe = aws.journal().calls("DescribeInstances").get(0);
        assertThat(describe.service()).isEqualTo("ec2");
        assertThat(describe.accessKeyId()).isEqualTo(c.accessKeyId());
        RecordedCall assumeRole = aws.journal().calls("AssumeRole").get(0);
        assertThat(assumeRole.service()).isEqualTo("sts");
        assertThat(assumeRole.accessKeyId()).isEqualTo(SOURCE_KEY);
        assertThat(assumeRole.mutating()).isFalse();
    }

    @Test
    void stsAssumeRoleCredentialsProvider_signsEc2CallsWithTheRole() {
        try (StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(AssumeRoleRequest.builder().roleArn(ROLE).roleSessionName("fleet").build()).build();
             Ec2Client ec2 = ec2(provider)) {
            ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE));
        }
        String issued = aws.issuedCredentials().get(0).accessKeyId();
        assertThat(aws.journal().calls("DescribeInstances")).extracting(RecordedCall::accessKeyId).containsExactly(issued);
    }

    @Test
    void getCallerIdentity_ofALongTermKey_isTheEmulatorsAccount() {
        GetCallerIdentityResponse me = sts.getCallerIdentity();
        assertThat(me.account()).isEqualTo("123456789012");
        assertThat(me.arn()).startsWith("arn:aws:iam::123456789012:user/");
    }

    @Test
    void unknownAccessKeys_areRefusedByEveryServiceWithItsOwnCode_andChangeNothing() {
        StaticCredentialsProvider stranger = StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIASTRANGER00000001", "whatever"));
        try (Ec2Client ec2 = ec2(stranger); StsClient strangerSts = sts(stranger);
             SsmClient ssm = aws.ssmClientBuilder().credentialsProvider(stranger)
                     .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build()) {
            assertRefused(() -> ec2.terminateInstances(r -> r.instanceIds(Worlds.SOURCE)), 401, "AuthFailure");
            assertRefused(() -> ssm.describeInstanceInformation(), 400, "UnrecognizedClientException");
            assertRefused(() -> strangerSts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("x1")), 403,
                    "InvalidClientTokenId");
        }
        try (Ec2Client ec2 = ec2(StaticCredentialsProvider.create(AwsBasicCredentials.create(SOURCE_KEY, SOURCE_SECRET)))) {
            assertThat(ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE)).reservations().get(0).instances().get(0)
                    .state().name()).isEqualTo(InstanceStateName.RUNNING);
        }
        assertThat(aws.issuedCredentials()).isEmpty();
        assertThat(aws.journal().calls("TerminateInstances")).singleElement()
                .satisfies(c -> assertThat(c.accessKeyId()).isEqualTo("AKIASTRANGER00000001"));
    }

    @Test
    void temporaryCredentials_needTheirSessionToken_andExpire() {
        Credentials c = assume(ROLE, 900);
        try (Ec2Client withoutToken = ec2(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())));
             Ec2Client withToken = ec2(session(c))) {
            assertRefused(() -> withoutToken.describeInstances(), 401, "AuthFailure");
            withToken.describeInstances();
            clock.advance(Duration.ofSeconds(900));
            assertRefused(() -> withToken.describeInstances(), 400, "RequestExpired");
        }
        try (StsClient expired = sts(session(c))) {
            assertRefused(expired::getCallerIdentity, 400, "ExpiredToken");
        }
    }

    @Test
    void assumeRole_validatesItsParametersAsAwsDocuments_andIssuesNothingWhenItRefuses() {
        assertValidation(r -> r.roleArn("pv2hvm-migrator").roleSessionName("ok-name"), "roleArn");
        assertValidation(r -> r.roleArn("arn:aws:iam::12345:role/short-account").roleSessionName("ok-name"), "roleArn");
        assertValidation(r -> r.roleArn(ROLE).roleSessionName("a"), "roleSessionName");
        assertValidation(r -> r.roleArn(ROLE).roleSessionName("has space"), "roleSessionName");
        assertValidation(r -> r.roleArn(ROLE).roleSessionName("x".repeat(65)), "roleSessionName");
        assertValidation(r -> r.roleArn(ROLE).roleSessionName("ok-name").durationSeconds(899), "durationSeconds");
        assertValidation(r -> r.roleArn(LONG_ROLE).roleSessionName("ok-name").durationSeconds(43_201), "durationSeconds");
        assertValidation(r -> r.roleArn(ROLE).roleSessionName("ok-name").externalId("x"), "externalId");
        // Within STS's range but above the role's MaxSessionDuration (one hour unless the role says more).
        assertThatThrownBy(() -> assume(ROLE, 7200)).isInstanceOfSatisfying(AwsServiceException.class,
                e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                    assertThat(e.getMessage()).contains("MaxSessionDuration");
                });
        assertRefused(() -> assume("arn:aws:iam::210987654321:role/not-declared", null), 403, "AccessDenied");
        assertThat(aws.issuedCredentials()).isEmpty();

        assertThat(assume(LONG_ROLE, 43_200).expiration()).isAfter(clock.instant().plus(Duration.ofHours(11)));
    }

    @Test
    void roleChaining_isLimitedToOneHour() {
        Credentials first = assume(LONG_ROLE, 7200);
        try (StsClient chained = sts(session(first))) {
            assertThatThrownBy(() -> chained.assumeRole(r -> r.roleArn(ROLE).roleSessionName("chain").durationSeconds(3601)))
                    .isInstanceOfSatisfying(AwsServiceException.class,
                            e -> {
                                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                                assertThat(e.getMessage()).contains("role chaining");
                            });
            assertThat(chained.assumeRole(r -> r.roleArn(ROLE).roleSessionName("chain")).credentials().accessKeyId())
                    .startsWith("ASIA");
        }
    }

    @Test
    void assumeRoleWithWebIdentity_acceptsAValidJwtUnsigned_andRefusesBadOrExpiredTokens() {
        long exp = clock.instant().plus(Duration.ofHours(1)).getEpochSecond();
        String token = jwt("{\"iss\":\"https://oidc.eks.us-east-1.amazonaws.com/id/ABC\",\"sub\":\"system:serviceaccount:ops:pv2hvm\","
                + "\"aud\":\"sts.amazonaws.com\",\"exp\":" + exp + "}");
        Credentials c = sts.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE).roleSessionName("irsa").webIdentityToken(token))
                .credentials();
        RecordedCall call = aws.journal().calls("AssumeRoleWithWebIdentity").get(0);
        assertThat(call.accessKeyId()).as("AssumeRoleWithWebIdentity is unsigned").isNull();
        assertThat(aws.issuedCredentials()).singleElement().satisfies(i -> {
            assertThat(i.action()).isEqualTo("AssumeRoleWithWebIdentity");
            assertThat(i.accessKeyId()).isEqualTo(c.accessKeyId());
        });

        assertRefused(() -> sts.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE).roleSessionName("irsa")
                .webIdentityToken("not-a-jwt")), 400, "InvalidIdentityToken");
        clock.advance(Duration.ofHours(2));
        assertRefused(() -> sts.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE).roleSessionName("irsa")
                .webIdentityToken(token)), 400, "ExpiredTokenException");
        assertThat(aws.issuedCredentials()).hasSize(1);
    }

    private static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    private void assertValidation(Consumer<AssumeRoleRequest.Builder> request, String member) {
        assertThatThrownBy(() -> sts.assumeRole(request)).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).contains("'" + member + "'");
        });
    }

    private static void assertRefused(Runnable call, int status, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.statusCode()).isEqualTo(status);
        });
    }
}
