package io.pv2hvm.micrometer;

import io.pv2hvm.core.apicheck.ApiSurface;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ApiSurfaceTest {

    @Test
    void micrometerApi_exposesNoInternalTypeAndNoThirdPartyTypeButMicrometersRegistryAndTheAwsSdksMetricPublisher() {
        // Micrometer's MeterRegistry is what users hand in, and the AWS SDK's MetricPublisher what
        // their clients take; nothing else may leak.
        assertThat(ApiSurface.allowing("io.micrometer.core.instrument", "software.amazon.awssdk.metrics")
                .violationsIn(Path.of("target/classes"))).isEmpty();
    }

    @Test
    void micrometerClasses_useNoOtherModulesInternals() {
        assertThat(ApiSurface.crossModuleInternalUse(Path.of("target/classes"), "micrometer")).isEmpty();
    }
}
