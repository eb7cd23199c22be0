package io.pv2hvm.core.guest;

import io.pv2hvm.core.ConversionStrategy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param recipe        what lets the same guest be converted again in one worker command
 *                      ({@link GuestConverter#inPlaceAsPlanned}); empty where that is not offered
 */
public record ConversionResult(ConversionStrategy strategy, String bootDisk, String rootDevice, String rootUuid,
                               String kernel, List<String> driversAdded, List<String> warnings, GuestFacts facts,
                               List<GuestChange> changes, Optional<ConversionRecipe> recipe) {
    /** Defensive copies. */
    public ConversionResult {
        driversAdded = List.copyOf(driversAdded);
        warnings = List.copyOf(warnings);
        changes = List.copyOf(changes);
        Objects.requireNonNull(recipe, "recipe");
    }

    /** A result offering no recipe. */
    public ConversionResult(ConversionStrategy strategy, String bootDisk, String rootDevice, String rootUuid, String kernel,
                            List<String> driversAdded, List<String> warnings, GuestFacts facts, List<GuestChange> changes) {
        this(strategy, bootDisk, rootDevice, rootUuid, kernel, driversAdded, warnings, facts, changes, Optional.empty());
    }

    /** A result that lists no guest changes (simulated guests, older callers). */
    public ConversionResult(ConversionStrategy strategy, String bootDisk, String rootDevice, String rootUuid, String kernel,
                            List<String> driversAdded, List<String> warnings, GuestFacts facts) {
        this(strategy, bootDisk, rootDevice, rootUuid, kernel, driversAdded, warnings, facts, List.of());
    }
}
