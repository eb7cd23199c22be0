/**
 * Hooks through which the emulator reaches real data: {@link io.pv2hvm.testkit.spi.SsmCommandExecutor}
 * runs SSM commands, {@link io.pv2hvm.testkit.spi.BootHook} boots an instance's disk and supplies
 * its console output.
 */
package io.pv2hvm.testkit.spi;
