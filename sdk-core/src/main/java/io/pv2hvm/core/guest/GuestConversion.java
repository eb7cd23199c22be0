package io.pv2hvm.core.guest;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.guest.internal.ConversionPlan;
import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.ProgressSink;

import java.time.Instant;
import java.util.Optional;

/**
 * The guest work of a migration, as the cloud steps see it: inspect a root volume, decide
 * whether a strategy can convert it, convert it. {@link #onWorker()} does it for real with the
 * worker scripts; a simulation (the testkit's {@code SimulatedGuest}) lets control-plane tests
 * and the sandbox run where no disks can be touched.
 */
public interface GuestConversion {

    /** Inspects the volume at {@code device} on the worker, writing nothing. */
    GuestFacts inspect(CommandTransport transport, String device);

    /**
     * Inspects and decides whether {@code strategy} can convert the guest for {@code target},
     * writing nothing.
     *
     * @throws io.pv2hvm.core.GuestIncompatibleException naming every blocker and its fix
     */
    GuestFacts check(CommandTransport transport, ConversionStrategy strategy, String device, TargetPlatform target);

    /** Converts, knowing no data volume; {@code targetDevice} is ignored for IN_PLACE and required for PARTITION_COPY. */
    default ConversionResult convert(CommandTransport transport, ConversionStrategy strategy, String sourceDevice,
                                     String targetDevice, TargetPlatform target, ProgressSink progress) {
        return convert(transport, strategy, sourceDevice, targetDevice, target, DataVolumes.none(), progress);
    }

    /**
     * Converts; {@code targetDevice} is ignored for IN_PLACE and required for PARTITION_COPY.
     * {@code dataVolumes} says how the guest's fstab entries for its data volumes are rewritten
     * (see {@link GuestConverter#withDataVolumes(DataVolumes)}).
     */
    ConversionResult convert(CommandTransport transport, ConversionStrategy strategy, String sourceDevice,
                             String targetDevice, TargetPlatform target, DataVolumes dataVolumes, ProgressSink progress);

    /**
     * IN_PLACE's final round in one worker command, on the guest a trial conversion's
     * {@link ConversionResult#recipe() recipe} came from: finds the device with {@code device},
     * and converts as {@link #convert} would only if the guest is still the one the recipe
     * inspected (see {@link GuestConverter#inPlaceAsPlanned}). Safe to resend.
     *
     * @return the result; empty when nothing was written (the guest changed since the recipe, or
     *         this conversion offers no such command, as this default): then {@link #check} and
     *         {@link #convert} decide as without a recipe
     */
    default Optional<ConversionResult> convertAsPlanned(CommandTransport transport, DeviceLookup device,
                                                        ConversionRecipe recipe, DataVolumes dataVolumes,
                                                        ProgressSink progress) {
        return Optional.empty();
    }

    /**
     * PARTITION_COPY's final round: brings {@code targetDevice}, the trial round's converted
     * PARTITION_COPY target of this migration, to the content of the stopped {@code sourceDevice}
     * and applies the conversion again, as {@link #convert} with PARTITION_COPY would leave it.
     * {@link #onWorker()} copies only what changed since the trial (see
     * {@link GuestConverter#resync(String, String, Instant)}): every file whose change time is not
     * older than {@code trialSnapshotStart} less {@link GuestConverter#SOURCE_CLOCK_MARGIN}, and
     * the others rsync's quick check finds different; this default converts in full, which gives
     * the same result, writing the whole used filesystem.
     *
     * @param trialSnapshotStart when the trial round's snapshot of this source began (EC2's
     *        {@code StartTime} of that snapshot): the source's state then is what the target holds
     * @throws io.pv2hvm.core.ResyncRefusedException before writing, when {@code targetDevice} is
     *         not that converted copy of this source or the source cannot be read as it is: convert
     *         in full then
     */
    default ConversionResult resync(CommandTransport transport, String sourceDevice, String targetDevice,
                                    Instant trialSnapshotStart, TargetPlatform target, DataVolumes dataVolumes, ProgressSink progress) {
        return convert(transport, ConversionStrategy.PARTITION_COPY, sourceDevice, targetDevice, target, dataVolumes, progress);
    }

    /**
     * {@link ConversionStrategy#DUAL_BOOT}: prepares the running guest reached through
     * {@code sourceTransport}, whose root filesystem is mounted at {@code liveRoot} ({@code /}), to
     * boot both as PV and as HVM (see {@link GuestConverter#dualBoot(String)}). This default refuses:
     * a conversion that cannot change a live source says so before anything is written.
     *
     * @throws io.pv2hvm.core.GuestIncompatibleException naming every blocker and the alternative strategy
     */
    default ConversionResult dualBoot(CommandTransport sourceTransport, String liveRoot, TargetPlatform target,
                                      DataVolumes dataVolumes, ProgressSink progress) {
        throw new InvalidSpecException(getClass().getSimpleName() + " cannot prepare a running source; DUAL_BOOT needs"
                + " GuestConversion.onWorker() or a conversion that implements dualBoot.");
    }

    /**
     * The command {@link #dualBoot} sends the running source first: it finds the device of the root
     * filesystem mounted at {@code liveRoot}, and fails when there is none. A simulated conversion
     * sends it too, so the source is reached for real.
     *
     * @throws InvalidSpecException if {@code liveRoot} is not a plain absolute directory
     */
    static Command liveRootCommand(String liveRoot) {
        return WorkerScript.LIVE_ROOT.command(WorkerScript.liveRootOption(liveRoot));
    }

    /** The real conversion with the worker scripts, fixing missing drivers. */
    static GuestConversion onWorker() {
        return new GuestConversion() {
            @Override
            public GuestFacts inspect(CommandTransport transport, String device) {
                return GuestInspector.on(transport).inspect(device);
            }

            @Override
            public GuestFacts check(CommandTransport transport, ConversionStrategy strategy, String device,
                                    TargetPlatform target) {
                return GuestConverter.on(transport).forTarget(target).check(strategy, device);
            }

            @Override
            public ConversionResult convert(CommandTransport transport, ConversionStrategy strategy,
                                            String sourceDevice, String targetDevice, TargetPlatform target,
                                            DataVolumes dataVolumes, ProgressSink progress) {
                return GuestConverter.on(transport).forTarget(target).reportingTo(progress).withDataVolumes(dataVolumes)
                        .convert(strategy, sourceDevice, targetDevice);
            }

            @Override
            public Optional<ConversionResult> convertAsPlanned(CommandTransport transport, DeviceLookup device,
                                                               ConversionRecipe recipe, DataVolumes dataVolumes,
                                                               ProgressSink progress) {
                return GuestConverter.on(transport).forTarget(recipe.target()).reportingTo(progress)
                        .withDataVolumes(dataVolumes).inPlaceAsPlanned(device, recipe);
            }

            @Override
            public ConversionResult dualBoot(CommandTransport sourceTransport, String liveRoot, TargetPlatform target,
                                             DataVolumes dataVolumes, ProgressSink progress) {
                return GuestConverter.on(sourceTransport).forTarget(target).reportingTo(progress).withDataVolumes(dataVolumes)
                        .dualBoot(liveRoot);
            }

            @Override
            public ConversionResult resync(CommandTransport transport, String sourceDevice, String targetDevice,
                                           Instant trialSnapshotStart, TargetPlatform target, DataVolumes dataVolumes,
                                           ProgressSink progress) {
                return GuestConverter.on(transport).forTarget(target).reportingTo(progress).withDataVolumes(dataVolumes)
                        .resync(sourceDevice, targetDevice, trialSnapshotStart.minus(GuestConverter.SOURCE_CLOCK_MARGIN));
            }
        };
    }

    /**
     * The strategy to use when the user chose none: IN_PLACE (zero-copy) wherever it can convert
     * the guest, else PARTITION_COPY.
     */
    static ConversionStrategy choose(GuestFacts facts, TargetPlatform target) {
        try {
            ConversionPlan.decide(facts, ConversionStrategy.IN_PLACE, target, true);
            return ConversionStrategy.IN_PLACE;
        } catch (GuestIncompatibleException e) {
            return ConversionStrategy.PARTITION_COPY;
        }
    }
}
