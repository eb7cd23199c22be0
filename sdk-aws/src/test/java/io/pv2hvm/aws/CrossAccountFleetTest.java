package io.pv2hvm.aws;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.IssuedCredentials;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A fleet across accounts against the emulator's STS: each account's migrations are signed with
 * the credentials of the role assumed there, and each account has rate limits of its own. The
 * emulator holds one world, so the "other accounts'" instances live beside the home ones; what the
 * test proves is which credentials each instance's calls carried. The emulator knows only the
 * home key and the two roles, so it refuses any call signed otherwise.
 */
class CrossAccountFleetTest {
    private static final String HOME_KEY = "AKIAHOMEACCOUNT00001";
    private static final String ROLE_A = "arn:aws:iam::111111111111:role/pv2hvm-migrator";
    private static final String ROLE_A2 = "arn:aws:iam::111111111111:role/ops/pv2hvm-other";
    private static final String ROLE_B = "arn:aws:iam::222222222222:role/pv2hvm-migrator";
    private static final String IN_A = "i-0a0000000000000a1";
    private static final String IN_B = "i-0b0000000000000b1";

    private final EmulatedAws.FakeWorker worker = new EmulatedAws.FakeWorker();
    private Ec2Emulator emulator;
    private Ec2Client ec2;
    private SsmClient ssm;
    private StsClient sts;
    private AwsSteps aws;

    @BeforeEach
    void start() {
        World.Builder world = EmulatedAws.world(EmulatedAws.webServer(), EmulatedAws.pvImage());
        world.instance(InstanceSeed.of(IN_A, EmulatedAws.PV_IMAGE).instanceType("m1.large").privateIp("10.0.1.101")
                .keyName("ops"));
        world.instance(InstanceSeed.of(IN_B, EmulatedAws.PV_IMAGE).instanceType("m1.large").privateIp("10.0.1.102")
                .keyName("ops"));
        emulator = Ec2Emulator.builder().world(world.build())
                .latency(LatencyModel.realistic().withTimeScale(EmulatedAws.TIME_SCALE))
                .accessKey(HOME_KEY, "home-secret").role(ROLE_A).role(ROLE_A2).role(ROLE_B).build().start();
        // Signed with HOME_KEY, the first key the emulator was told of.
        ec2 = emulator.ec2Client();
        ssm = emulator.ssmClient();
        sts = emulator.stsClient();
        aws = AwsSteps.builder().ec2(ec2).ssm(ssm).sts(sts).timeouts(EmulatedAws.timeouts())
                .guestConversion(SimulatedGuest.typical()).build();
    }

    @AfterEach
    void stop() {
        ec2.close();
        ssm.close();
        sts.close();
        emulator.stop();
    }

    private FleetSpec fleet() {
        return Migrations.fleet(List.of(EmulatedAws.SOURCE)).using(aws)
                .rateLimits(Ec2RateLimits.documented().withTimeScale(EmulatedAws.TIME_SCALE))
                .each(s -> s.preservingIps().withTransport(worker).withJournal(InMemoryJournal.create()));
    }

    @Test
    void run_signsEachAccountsMigrationsWithTheRoleAssumedThere() {
        FleetResult r = fleet().inAccount(ROLE_A, IN_A).inAccount(ROLE_B, List.of(IN_B)).maxConcurrent(3).run();

        assertThat(r.failed()).as("failures").isEmpty();
        assertThat(r.outcomes()).extracting(FleetResult.Outcome::instanceId)
                .containsExactly(EmulatedAws.SOURCE, IN_A, IN_B);
        List<IssuedCredentials> issued = emulator.issuedCredentials();
        assertThat(issued).as("one role session per account, reused by all of its calls")
                .extracting(IssuedCredentials::roleArn).containsExactlyInAnyOrder(ROLE_A, ROLE_B);
        assertThat(issued).allSatisfy(i -> {
            assertThat(i.callerAccessKey()).isEqualTo(HOME_KEY);
            assertThat(i.sessionName()).isEqualTo(AccountClients.SESSION_NAME);
        });
        String keyA = keyOf(issued, ROLE_A);
        String keyB = keyOf(issued, ROLE_B);
        Map<String, String> stoppedWith = emulator.journal().calls("StopInstances").stream()
                .filter(RecordedCall::succeeded)
                .collect(Collectors.toMap(c -> c.param("InstanceId.1"), RecordedCall::accessKeyId, (x, y) -> x));
        assertThat(stoppedWith).containsExactlyInAnyOrderEntriesOf(
                Map.of(EmulatedAws.SOURCE, HOME_KEY, IN_A, keyA, IN_B, keyB));
        assertThat(emulator.journal().all()).filteredOn(c -> !c.service().equals("sts"))
                .extracting(RecordedCall::accessKeyId).containsOnly(HOME_KEY, keyA, keyB);
        assertThat(emulator.journal().calls("SendCommand")).isEmpty(); // the fake worker is not SSM
    }

    @Test
    void accountSteps_giveEachAccountItsOwnRateLimits_sharedByItsRoles_andCallNothing() {
        Ec2RateLimits home = Ec2RateLimits.documented().withTimeScale(EmulatedAws.TIME_SCALE);
        FleetSpec spec = fleet().inAccount(ROLE_A, IN_A).inAccount(ROLE_A2, "i-0a0000000000000a2")
                .inAccount(ROLE_B, IN_B);
        List<AutoCloseable> opened = new ArrayList<>();

        Map<String, AwsSteps> steps = spec.accountSteps(aws, home, new FleetCalls(), opened);

        assertThat(steps).containsOnlyKeys(ROLE_A, ROLE_A2, ROLE_B);
        Ec2RateLimits a = steps.get(ROLE_A).rateLimits();
        Ec2RateLimits b = steps.get(ROLE_B).rateLimits();
        assertThat(a).as("account 111111111111's limits are not the home account's").isNotSameAs(home);
        assertThat(steps.get(ROLE_A2).rateLimits()).as("two roles in one account share its buckets").isSameAs(a);
        assertThat(b).as("account 222222222222 has its own").isNotSameAs(a).isNotSameAs(home);
        assertThat(a.toString()).isEqualTo(home.toString());
        assertThat(opened).as("no clients made before a call needs them").isEmpty();
        assertThat(emulator.journal().all()).isEmpty();
        assertThat(spec.instanceIds()).containsExactly(EmulatedAws.SOURCE, IN_A, "i-0a0000000000000a2", IN_B);
    }

    @Test
    void inAccount_refusesBadInputAtOnce_beforeAnyCall() {
        Throwable e = catchThrowable(() -> fleet().inAccount("arn:aws:iam::12345:role/short", "i-bad", EmulatedAws.SOURCE));

        assertThat(e).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("'arn:aws:iam::12345:role/short' is not an IAM role ARN")
                .hasMessageContaining("entry 1")
                .hasMessageContaining(EmulatedAws.SOURCE + " is already in the fleet");
        assertThat(catchThrowable(() -> fleet().inAccount(ROLE_A))).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("no instance ids for " + ROLE_A);
        assertThat(catchThrowable(() -> fleet().inAccount(ROLE_A, IN_A).inAccount(ROLE_B, IN_A)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining(IN_A + " is already in the fleet");
        assertThat(emulator.journal().all()).isEmpty();
    }

    @Test
    void plan_coversEveryAccountsInstances_withoutAssumingAnyRole() {
        assertThat(fleet().inAccount(ROLE_A, IN_A).inAccount(ROLE_B, IN_B).plan()).hasSize(3);
        assertThat(emulator.journal().all()).isEmpty();
        assertThat(emulator.issuedCredentials()).isEmpty();
    }

    private static String keyOf(List<IssuedCredentials> issued, String role) {
        return issued.stream().filter(i -> i.roleArn().equals(role)).findFirst().orElseThrow().accessKeyId();
    }
}
