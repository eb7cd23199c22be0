package io.pv2hvm.testkit.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/** {@link Ec2EmulatorExtension} on a static field: one emulator for the class, clients as parameters. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Ec2EmulatorExtensionTest {

    @RegisterExtension
    static Ec2EmulatorExtension aws = Ec2EmulatorExtension.of(Ec2Emulator.builder().world(World.defaultWorld()));

    private static Ec2Client clientOfTheFirstTest;

    @Test
    @Order(1)
    void parameters_areTheRunningEmulatorAndClientsOfIt(Ec2Emulator emulator, Ec2Client ec2, SsmClient ssm) {
        assertThat(emulator).isSameAs(aws.emulator());
        assertThat(emulator.isRunning()).isTrue();
        ec2.describeInstances();
        ssm.describeInstanceInformation();
        assertThat(emulator.journal().calls("DescribeInstances")).hasSize(1);
        assertThat(emulator.journal().calls("DescribeInstanceInformation")).hasSize(1);
        clientOfTheFirstTest = ec2;
    }

    @Test
    @Order(2)
    void aClientParameter_isClosedAfterItsTest_whileTheEmulatorRunsOn() {
        assertThat(aws.emulator().isRunning()).isTrue();
        assertThat(clientOfTheFirstTest).as("the first test ran").isNotNull();
        assertThatThrownBy(() -> clientOfTheFirstTest.describeInstances()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void onAnInstanceField_theEmulatorRunsForEachTestOnly() {
        Ec2EmulatorExtension perTest = Ec2EmulatorExtension.create();
        perTest.beforeEach(null);
        assertThat(perTest.emulator().isRunning()).isTrue();
        perTest.afterEach(null);
        assertThat(perTest.emulator().isRunning()).isFalse();
    }

    @Test
    void onAStaticField_eachTestLeavesTheEmulatorRunningForTheNext() {
        Ec2EmulatorExtension perClass = Ec2EmulatorExtension.create();
        perClass.beforeAll(null);
        perClass.beforeEach(null);
        perClass.afterEach(null);
        assertThat(perClass.emulator().isRunning()).isTrue();
        perClass.afterAll(null);
        assertThat(perClass.emulator().isRunning()).isFalse();
    }
}
