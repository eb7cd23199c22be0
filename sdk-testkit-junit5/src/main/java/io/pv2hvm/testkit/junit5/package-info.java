/**
 * JUnit 5 support for the testkit: {@link io.pv2hvm.testkit.junit5.Ec2EmulatorExtension} runs an
 * {@link io.pv2hvm.testkit.Ec2Emulator} around a test class or each test, and
 * {@link io.pv2hvm.testkit.junit5.RequiresLab} skips (or fails) tests that need the guest lab on a
 * machine without it. The testkit itself carries no JUnit, so the CLI that embeds it does not either.
 */
package io.pv2hvm.testkit.junit5;
