package io.pv2hvm.ssh;

import io.pv2hvm.core.apicheck.ApiSurface;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ApiSurfaceTest {

    @Test
    void sshApi_exposesNoInternalTypeAndNoMinaOrOtherThirdPartyType() {
        // Users hand in keys, host key policies and jump hosts as pv2hvm types: MINA SSHD stays inside.
        assertThat(ApiSurface.allowing().violationsIn(Path.of("target/classes"))).isEmpty();
    }

    @Test
    void theCheck_coversTheSshApi() {
        assertThat(ApiSurface.allowing().publicTypesIn(Path.of("target/classes"))).contains(
                SshTransport.class.getName(), SshTransport.Builder.class.getName(), HostKeyPolicy.class.getName(),
                SshKey.class.getName(), JumpHost.class.getName());
    }

    @Test
    void sshClasses_useNoOtherModulesInternals() {
        assertThat(ApiSurface.crossModuleInternalUse(Path.of("target/classes"), "ssh")).isEmpty();
    }
}
