package io.pv2hvm.testkit.junit5;

import io.pv2hvm.core.apicheck.ApiSurface;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ApiSurfaceTest {

    @Test
    void junit5Api_exposesNoInternalType_onlyJUnitsExtensionApiAndTheSdkClients() {
        assertThat(ApiSurface.allowing("org.junit.jupiter.api.extension", "software.amazon.awssdk.")
                .violationsIn(Path.of("target/classes"))).isEmpty();
    }

    @Test
    void theCheck_coversTheExtensions() {
        assertThat(ApiSurface.allowing().publicTypesIn(Path.of("target/classes"))).contains(
                Ec2EmulatorExtension.class.getName(), RequiresLab.class.getName(), LabExtension.class.getName());
    }

    @Test
    void junit5Classes_useNoOtherModulesInternals() {
        // Its packages sit under io.pv2hvm.testkit, but sdk-testkit's internals are another module's:
        // with an own segment no package has, every internal use is reported.
        assertThat(ApiSurface.crossModuleInternalUse(Path.of("target/classes"), "testkit-junit5")).isEmpty();
    }
}
