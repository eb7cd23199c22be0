package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * botocore's parsers are a second, independent check of the wire format. Skipped where the
 * AWS CLI is not installed.
 */
class AwsCliTest {

    @RegisterExtension
    static Ec2Emulator aws = Ec2Emulator.builder().world(Worlds.migration()).build();

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
}
