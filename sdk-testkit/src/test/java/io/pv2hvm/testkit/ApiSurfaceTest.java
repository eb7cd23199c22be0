package io.pv2hvm.testkit;

import io.pv2hvm.core.apicheck.ApiSurface;
import io.pv2hvm.testkit.spi.BootHook;
import io.pv2hvm.testkit.spi.BootRequest;
import io.pv2hvm.testkit.spi.BootResult;
import io.pv2hvm.testkit.spi.SsmCommand;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.spi.SsmCommandResult;
import io.pv2hvm.testkit.world.ElasticIpSeed;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.NetworkInterfaceSeed;
import io.pv2hvm.testkit.world.SecurityGroupSeed;
import io.pv2hvm.testkit.world.SubnetSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.VpcSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApiSurfaceTest {

    private static final List<Class<?>> EMULATOR_API = List.of(Ec2Emulator.class, Ec2Emulator.Builder.class, Ec2EmulatorMain.class,
            LatencyModel.class, LatencyModel.Builder.class, ManualClock.class, Faults.class, RequestJournal.class, RecordedCall.class,
            ThrottlingPolicy.class, RecordingSsmExecutor.class, LocalSsmExecutor.class, BootHook.class, BootRequest.class,
            BootResult.class, SsmCommand.class, SsmCommandExecutor.class, SsmCommandResult.class, World.class, World.Builder.class,
            ElasticIpSeed.class, ImageSeed.class, InstanceProfileSeed.class, InstanceSeed.class, NetworkInterfaceSeed.class,
            SecurityGroupSeed.class, SubnetSeed.class, VolumeSeed.class, VpcSeed.class, IssuedCredentials.class);

    @Test
    void testkitApi_exposesNoInternalTypeAndNoWireMockOrOtherThirdPartyType() {
        // The emulator hands out SDK clients already pointed at it (ec2Client(), ssmClient(), stsClient()).
        assertThat(ApiSurface.allowing("software.amazon.awssdk.").violationsIn(Path.of("target/classes"))).isEmpty();
    }

    @Test
    void theCheck_coversTheEmulatorApi() {
        assertThat(ApiSurface.allowing().publicTypesIn(Path.of("target/classes")))
                .containsAll(EMULATOR_API.stream().map(Class::getName).toList());
    }

    @Test
    void testkitClasses_useNoOtherModulesInternals() {
        assertThat(ApiSurface.crossModuleInternalUse(Path.of("target/classes"), "testkit")).isEmpty();
    }
}
