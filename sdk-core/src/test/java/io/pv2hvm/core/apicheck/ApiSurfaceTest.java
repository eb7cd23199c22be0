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
    void coreClasses_useNoOtherModulesInternals() {
        assertThat(ApiSurface.crossModuleInternalUse(Path.of("target/classes"), "core")).isEmpty();
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

    @Test
    void theCheck_findsCrossModuleInternalUse() {
        // The fixtures in io.pv2hvm.otherapi stand for another module: one calls core's internal Json
        // in a method body (no signature shows it), the other uses only core's public API.
        assertThat(ApiSurface.crossModuleInternalUse(Path.of("target/test-classes"), "otherapi"))
                .contains("io.pv2hvm.otherapi.UsesCoreInternal uses io.pv2hvm.core.internal.Json")
                .noneSatisfy(v -> assertThat(v).startsWith("io.pv2hvm.otherapi.UsesCoreApiOnly "));
    }

    @Test
    void theCheck_allowsAModuleItsOwnInternals() {
        assertThat(ApiSurface.crossModuleInternalUse(Path.of("target/test-classes"), "core"))
                .noneSatisfy(v -> assertThat(v).contains(" uses io.pv2hvm.core."));
    }
}
