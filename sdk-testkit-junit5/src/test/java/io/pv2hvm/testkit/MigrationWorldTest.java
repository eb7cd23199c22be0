package io.pv2hvm.testkit;

import io.pv2hvm.testkit.junit5.Ec2EmulatorExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;

/**
 * Tests on {@link Worlds#migration()}: one emulator per test class, reset to the seeded world
 * before each test, with a real EC2 client and waiter.
 */
abstract class MigrationWorldTest {

    @RegisterExtension
    static Ec2EmulatorExtension extension = Ec2EmulatorExtension.of(Ec2Emulator.builder().world(Worlds.migration()));
    static Ec2Emulator aws = extension.emulator();

    protected Ec2Client ec2;
    protected Ec2Waiter waiter;

    @BeforeEach
    void clients() {
        aws.reset();
        ec2 = AwsClients.ec2(aws);
        waiter = AwsClients.waiter(ec2);
    }

    @AfterEach
    void close() {
        waiter.close();
        ec2.close();
    }
}
