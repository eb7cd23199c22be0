package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pv2hvm.testkit.junit5.Ec2EmulatorExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * botocore's parsers are a second, independent check of the wire format. Skipped where the
 * AWS CLI is not installed.
 */
class AwsCliTest {

    @RegisterExtension
    static Ec2EmulatorExtension extension = Ec2EmulatorExtension.of(Ec2Emulator.builder().world(Worlds.migration()));
    static Ec2Emulator aws = extension.emulator();

    private static boolean cliInstalled() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, "aws").canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("aws"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--endpoint-url", aws.endpoint().toString(), "--region", "us-east-1", "--output", "json"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("AWS_ACCESS_KEY_ID", "AKIAEMULATOR");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "emulator-secret");
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        pb.environment().put("AWS_CONFIG_FILE", "/dev/null");
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new ObjectMapper().readTree(out);
    }

    @Test
    void awsCli_describesTheSeededInstance_andReadsAnSsmParameter() throws Exception {
        assumeTrue(cliInstalled(), "AWS CLI not installed");
        JsonNode instances = cli("ec2", "describe-instances", "--instance-ids", Worlds.SOURCE);
        JsonNode i = instances.path("Reservations").get(0).path("Instances").get(0);
        assertThat(i.path("PrivateIpAddress").asText()).isEqualTo(Worlds.SOURCE_IP);
        assertThat(i.path("VirtualizationType").asText()).isEqualTo("paravirtual");
        assertThat(i.path("State").path("Name").asText()).isEqualTo("running");
        assertThat(i.path("NetworkInterfaces")).hasSize(2);

        JsonNode param = cli("ssm", "get-parameter", "--name", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
        assertThat(param.path("Parameter").path("Value").asText()).startsWith("ami-");
    }

    /**
     * Every Describe/Get action the emulator implements, as the CLI sends it with its default
     * pagination: describe-volumes and describe-snapshots send MaxResults=1000, which EC2
     * accepts and caps (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html);
     * the others follow NextToken. Each row: command, extra arguments, the result key.
     */
    @ParameterizedTest(name = "aws {0} {1}")
    @CsvSource(delimiter = '|', value = {
        "ec2 describe-instances|                                          |Reservations",
        "ec2 describe-instance-status|--include-all-instances             |InstanceStatuses",
        "ec2 describe-instance-types|                                     |InstanceTypes",
        "ec2 describe-instance-attribute|--instance-id " + Worlds.SOURCE + " --attribute instanceType|InstanceType",
        "ec2 describe-images|--owners self                                |Images",
        "ec2 describe-images|                                             |Images",
        "ec2 describe-volumes|                                            |Volumes",
        "ec2 describe-volume-attribute|--volume-id " + Worlds.DATA_VOLUME + " --attribute autoEnableIO|AutoEnableIO",
        "ec2 describe-snapshots|                                          |Snapshots",
        "ec2 describe-snapshots|--owner-ids self                          |Snapshots",
        "ec2 describe-network-interfaces|                                 |NetworkInterfaces",
        "ec2 describe-network-interface-attribute|--network-interface-id " + Worlds.SOURCE_ENI2 + " --attribute description|Description",
        "ec2 describe-addresses|                                          |Addresses",
        "ec2 describe-subnets|                                            |Subnets",
        "ec2 describe-security-groups|                                    |SecurityGroups",
        "ec2 describe-vpcs|                                               |Vpcs",
        "ec2 describe-availability-zones|                                 |AvailabilityZones",
        "ec2 describe-key-pairs|                                          |KeyPairs",
        "ec2 describe-tags|                                               |Tags",
        "ec2 get-console-output|--instance-id " + Worlds.SOURCE + "        |InstanceId",
        "ssm describe-instance-information|                               |InstanceInformationList",
    })
    void awsCli_everyImplementedDescribe_withDefaultPagination(String command, String args, String key) throws Exception {
        assumeTrue(cliInstalled(), "AWS CLI not installed");
        List<String> argv = new ArrayList<>(List.of(command.split(" ")));
        if (args != null && !args.isBlank()) {
            argv.addAll(List.of(args.strip().split("\\s+")));
        }
        JsonNode result = cli(argv.toArray(String[]::new));
        assertThat(result.has(key)).as(result.toString()).isTrue();
    }

    @Test
    void awsCli_describeVolumes_pagesThroughEveryVolume_withASmallPageSize() throws Exception {
        assumeTrue(cliInstalled(), "AWS CLI not installed");
        int all = cli("ec2", "describe-volumes").path("Volumes").size();
        assertThat(all).isGreaterThan(2);
        assertThat(cli("ec2", "describe-volumes", "--page-size", "5").path("Volumes").size()).isEqualTo(all);
    }
}
