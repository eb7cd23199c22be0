package io.pv2hvm.postgres;

import io.pv2hvm.core.apicheck.ApiSurface;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ApiSurfaceTest {

    @Test
    void postgresApi_exposesNoInternalTypeAndNoDriverType() {
        // A pool the application already has comes in as the JDK's DataSource; the driver's own types stay inside.
        assertThat(ApiSurface.allowing("javax.sql").violationsIn(Path.of("target/classes"))).isEmpty();
    }

    @Test
    void postgresClasses_useNoOtherModulesInternals() {
        assertThat(ApiSurface.crossModuleInternalUse(Path.of("target/classes"), "postgres")).isEmpty();
    }
}
