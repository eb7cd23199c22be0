package io.pv2hvm.samples;

import io.pv2hvm.core.apicheck.ApiSurface;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ApiSurfaceTest {

    @Test
    void samplesApi_exposesNoInternalTypeAndNoThirdPartyTypeButTheAwsSdkAndPicocli() {
        // The samples are the CLI and the sandbox, not a published library: their public types hand out the
        // AWS SDK's clients and interceptors, and the CLI's version provider is picocli's. Nothing else may leak.
        assertThat(ApiSurface.allowing("software.amazon.awssdk.", "picocli").violationsIn(Path.of("target/classes"))).isEmpty();
    }

    @Test
    void samplesClasses_useNoOtherModulesInternals() {
        assertThat(ApiSurface.crossModuleInternalUse(Path.of("target/classes"), "samples")).isEmpty();
    }
}
