package io.pv2hvm.testkit.junit5;

import io.pv2hvm.testkit.Ec2Emulator;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Runs an {@link Ec2Emulator} for JUnit 5: on a static {@code @RegisterExtension} field for the
 * whole class, on an instance field for each test. Test methods may take the emulator, or an
 * {@link Ec2Client} or {@link SsmClient} of it (a new one per parameter, closed after the test),
 * as parameters.
 *
 * <pre>{@code
 * @RegisterExtension
 * static Ec2EmulatorExtension aws = Ec2EmulatorExtension.of(Ec2Emulator.builder().world(World.defaultWorld()));
 *
 * @Test
 * void seesTheWorld(Ec2Client ec2) {
 *     assertThat(ec2.describeInstances().reservations()).isNotEmpty();
 * }
 * }</pre>
 */
public final class Ec2EmulatorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    private final Ec2Emulator emulator;
    private boolean startedPerTest;

    private Ec2EmulatorExtension(Ec2Emulator emulator) {
        this.emulator = emulator;
    }

    /** An extension running the emulator {@code builder} builds. */
    public static Ec2EmulatorExtension of(Ec2Emulator.Builder builder) {
        return new Ec2EmulatorExtension(Objects.requireNonNull(builder, "builder").build());
    }

    /** An extension running an emulator with every default ({@link Ec2Emulator#builder()}). */
    public static Ec2EmulatorExtension create() {
        return of(Ec2Emulator.builder());
    }

    /** The emulator; running while a test of the class (or, on an instance field, the test) runs. */
    public Ec2Emulator emulator() {
        return emulator;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        emulator.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        emulator.stop();
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (!emulator.isRunning()) {
            startedPerTest = true;
            emulator.start();
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (startedPerTest) {
            startedPerTest = false;
            emulator.stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Ec2Emulator.class || type == Ec2Client.class || type == SsmClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == Ec2Emulator.class) {
            return emulator;
        }
        AutoCloseable client = type == Ec2Client.class ? emulator.ec2Client() : emulator.ssmClient();
        // The store closes AutoCloseable values when the test's context ends.
        context.getStore(ExtensionContext.Namespace.create(Ec2EmulatorExtension.class, parameter.getIndex()))
                .put(parameter.getDeclaringExecutable().toGenericString(), client);
        return client;
    }
}
