package io.pv2hvm.core.apicheck;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ApiSurfaceTest {

    @Test
    void coreApi_exposesNoInternalOrThirdPartyTypeInAPublicSignature() {
        // Resilience4j's RetryRegistry hands the steps' retries to resilience4j-micrometer (issue #18).
        assertThat(ApiSurface.allowing("io.github.resilience4j.retry").violationsIn(Path.of("target/classes"))).isEmpty();
    }

    @Test
    void theCheck_findsLeaksThroughReturnTypesTypeArgumentsAndThirdPartyTypes() {
        assertThat(ApiSurface.allowing().violationsIn(Path.of("target/test-classes")))
                .anySatisfy(v -> assertThat(v).isEqualTo(
                        "io.pv2hvm.core.apicheck.leaky.LeakyApi hidden() returns io.pv2hvm.core.apicheck.leaky.internal.Hidden"))
                .anySatisfy(v -> assertThat(v).isEqualTo(
                        "io.pv2hvm.core.apicheck.leaky.LeakyApi take() parameter io.pv2hvm.core.apicheck.leaky.internal.Hidden"))
                .anySatisfy(v -> assertThat(v).contains("thirdParty() returns org.junit.jupiter.api.TestInfo"))
                .noneSatisfy(v -> assertThat(v).contains("notApi"));
    }
}
