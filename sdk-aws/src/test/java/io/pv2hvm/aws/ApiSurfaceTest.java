package io.pv2hvm.aws;

import io.pv2hvm.core.apicheck.ApiSurface;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ApiSurfaceTest {

    @Test
    void awsApi_exposesNoInternalTypeAndNoThirdPartyTypeButTheAwsSdks() {
        // The AWS SDK's clients are the API's currency (users pass their Ec2Client, and the StsClient
        // that assumes a fleet's roles in other accounts); so are Resilience4j's registries, which
        // hand the SDK's limiters and bulkhead to resilience4j-micrometer (issue #18); nothing else may leak.
        assertThat(ApiSurface.allowing("software.amazon.awssdk.services.ec2", "software.amazon.awssdk.services.ssm",
                "software.amazon.awssdk.services.sts", "io.github.resilience4j.ratelimiter",
                "io.github.resilience4j.bulkhead")
                .violationsIn(Path.of("target/classes"))).isEmpty();
    }

    @Test
    void awsClasses_useNoOtherModulesInternals() {
        assertThat(ApiSurface.crossModuleInternalUse(Path.of("target/classes"), "aws")).isEmpty();
    }
}
