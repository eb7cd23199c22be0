package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Guards the public API: no internal or WireMock type appears in a public signature. */
class PublicApiTest {

    private static final List<Class<?>> PUBLIC_TYPES = List.of(Ec2Emulator.class, Ec2Emulator.Builder.class, Ec2EmulatorMain.class,
            LatencyModel.class, LatencyModel.Builder.class, ManualClock.class, Faults.class, RequestJournal.class, RecordedCall.class,
            ThrottlingPolicy.class, RecordingSsmExecutor.class, LocalSsmExecutor.class, BootHook.class, BootRequest.class,
            BootResult.class, SsmCommand.class, SsmCommandExecutor.class, SsmCommandResult.class, World.class, World.Builder.class,
            ElasticIpSeed.class, ImageSeed.class, InstanceProfileSeed.class, InstanceSeed.class, NetworkInterfaceSeed.class,
            SecurityGroupSeed.class, SubnetSeed.class, VolumeSeed.class, VpcSeed.class, IssuedCredentials.class);

    @Test
    void publicSignatures_exposeNoInternalOrWireMockTypes() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : PUBLIC_TYPES) {
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers())) {
                    continue;
                }
                List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
                types.add(m.getGenericReturnType());
                for (Type t : types) {
                    String name = t.getTypeName();
                    if (name.contains(".internal.") || name.contains("wiremock")) {
                        leaks.add(c.getSimpleName() + "." + m.getName() + ": " + name);
                    }
                }
            }
            for (Constructor<?> k : c.getConstructors()) {
                for (Type t : k.getGenericParameterTypes()) {
                    if (t.getTypeName().contains(".internal.") || t.getTypeName().contains("wiremock")) {
                        leaks.add(c.getSimpleName() + ".<init>: " + t.getTypeName());
                    }
                }
            }
        }
        assertThat(leaks).isEmpty();
    }
}
