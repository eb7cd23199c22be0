package io.pv2hvm.core.guest;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.internal.ConversionPlan;
import io.pv2hvm.core.guest.internal.FstabRewriter;
import java.util.List;
import java.util.Objects;

/**
 * What converting an inspected guest would do, decided by the same rules as the real conversion
 * and writing nothing: the drivers it adds, its warnings, and the guest's fstab as converted. For
 * a {@link GuestConversion} that simulates the disk work (the testkit's {@code SimulatedGuest}) yet
 * must refuse, warn and rewrite exactly as the real one.
 */
public final class ConversionPreview {

    private final GuestFacts facts;
    private final ConversionPlan plan;
    private final FstabRewriter fstab;
    private final List<String> fstabLines;

    private ConversionPreview(GuestFacts facts, ConversionPlan plan, FstabRewriter fstab) {
        this.facts = facts;
        this.plan = plan;
        this.fstab = fstab;
        // The rewrite collects the fstab warnings and changes, so it runs once, here.
        this.fstabLines = List.copyOf(fstab.rewrite(facts.fstab().stream().map(FstabEntry::toLine).toList(),
                "UUID=" + facts.filesystem().uuid()));
    }

    /**
     * Decides the conversion of {@code facts} with {@code strategy} for {@code target}, fixing missing
     * drivers as {@link GuestConversion#onWorker()} does, with the data volumes named in fstab as
     * {@code dataVolumes} says.
     *
     * @throws io.pv2hvm.core.GuestIncompatibleException naming every blocker and its fix, as the real conversion would
     */
    public static ConversionPreview of(GuestFacts facts, ConversionStrategy strategy, TargetPlatform target,
                                       DataVolumes dataVolumes) {
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(dataVolumes, "dataVolumes");
        ConversionPlan plan = ConversionPlan.decide(facts, strategy, target, true);
        return new ConversionPreview(facts, plan,
                new FstabRewriter(facts.startup(), dataVolumes.identified(), dataVolumes.keptByName()));
    }

    /** The guest as inspected. */
    public GuestFacts facts() {
        return facts;
    }

    /** Drivers the initramfs lacks for the target and would get. */
    public List<String> driversToAdd() {
        return plan.driversToAdd();
    }

    /** The conversion's findings that do not stop it (the fstab's are {@link #fstabWarnings()}). */
    public List<String> warnings() {
        return plan.warnings();
    }

    /** The guest's fstab lines as converted: the root by its filesystem UUID, data volumes as {@code dataVolumes} says. */
    public List<String> fstab() {
        return fstabLines;
    }

    /** What the fstab rewrite warns of, e.g. a data volume kept by its device name. */
    public List<String> fstabWarnings() {
        return fstab.warnings();
    }

    /** The changes to {@code /etc/fstab}, one per rewritten line. */
    public List<GuestChange> changes() {
        return fstab.changes().stream().map(c -> new GuestChange("/etc/fstab", c)).toList();
    }
}
