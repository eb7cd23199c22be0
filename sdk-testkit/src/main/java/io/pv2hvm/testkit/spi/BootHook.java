package io.pv2hvm.testkit.spi;

/**
 * Boots an instance's root disk when RunInstances or StartInstances brings it up (for
 * example in QEMU, from the guest lab). The serial log it returns becomes the instance's
 * GetConsoleOutput, and a failed boot makes its instance status check {@code impaired}.
 * Called on a background thread.
 */
@FunctionalInterface
public interface BootHook {

    /** Boots the instance described by {@code request}. */
    BootResult boot(BootRequest request) throws Exception;
}
