package io.pv2hvm.core;

/**
 * An incremental final round ({@link io.pv2hvm.core.guest.GuestConversion#resync}) was refused before
 * anything was written: the target is not the converted copy the trial round made of this source
 * (another partition layout, filesystem type or UUID, a copy the conversion never finished, too
 * small), or the source cannot be read as it is (a journal that needs recovery). The message names
 * the device and what was found. Converting the target in full with {@link ConversionStrategy#PARTITION_COPY}
 * always works; a retry of the resync does not.
 */
public class ResyncRefusedException extends MigrationException {
    /** Creates the error; {@code message} names the device, what was found and what to do. */
    public ResyncRefusedException(String message) {
        super(message);
    }
}
