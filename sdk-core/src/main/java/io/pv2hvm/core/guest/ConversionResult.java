package io.pv2hvm.core.guest;

import io.pv2hvm.core.ConversionStrategy;

import java.util.List;

/**
 * What a conversion did.
 *
 * @param strategy      the strategy applied
 * @param bootDisk      the device to register as the HVM root volume (the converted volume itself
 *                      for {@code IN_PLACE}, the target for {@code PARTITION_COPY})
 * @param rootDevice    the device holding the root filesystem (the volume, or its partition 1)
 * @param rootUuid      the root filesystem UUID the bootloader and fstab now use
 * @param kernel        the kernel version the HVM boot entry starts
 * @param driversAdded  drivers added to the initramfs (empty when none were needed)
 * @param warnings      things the user should know that did not stop the conversion
 * @param facts         what inspection found before the conversion
 * @param changes       every guest file changed or created, with the reason; each changed file
 *                      keeps its original beside it as {@code <file>.pv2hvm-orig}
 */
public record ConversionResult(ConversionStrategy strategy, String bootDisk, String rootDevice, String rootUuid,
                               String kernel, List<String> driversAdded, List<String> warnings, GuestFacts facts,
                               List<GuestChange> changes) {
    /** Defensive copies. */
    public ConversionResult {
        driversAdded = List.copyOf(driversAdded);
        warnings = List.copyOf(warnings);
        changes = List.copyOf(changes);
    }

    /** A result that lists no guest changes (simulated guests, older callers). */
    public ConversionResult(ConversionStrategy strategy, String bootDisk, String rootDevice, String rootUuid, String kernel,
                            List<String> driversAdded, List<String> warnings, GuestFacts facts) {
        this(strategy, bootDisk, rootDevice, rootUuid, kernel, driversAdded, warnings, facts, List.of());
    }
}
