package io.pv2hvm.aws.internal.steps.convert;

import io.pv2hvm.aws.internal.steps.ScratchVolumes;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.InspectedGuest;
import io.pv2hvm.aws.internal.Round;
import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestKernel;
import io.pv2hvm.core.guest.GuestOs;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The deep inventory's look at a guest: inspects the copy of the source's root on the worker
 * (read-only: the inspect script mounts it {@code ro} without journal replay) and records, as the
 * result fact {@link AwsFacts#GUEST_INSPECTION}, what would block its conversion for the target,
 * each with its fix. Writes nothing.
 */
public final class InspectGuestStep implements Step {
    private final AwsRuntime aws;
    private final GuestConversion guest;

    public InspectGuestStep(AwsRuntime aws, GuestConversion guest) {
        this.aws = aws;
        this.guest = guest;
    }

    @Override
    public String name() {
        return "inspect-guest";
    }

    @Override
    public StepDescription describe() {
        return StepDescription.readOnly("Inspect the copy of the root on the worker (read-only) for conversion blockers");
    }

    @Override
    public void run(StepContext ctx) {
        String volume = ctx.find(AwsFacts.VOLUME.of(Round.TRIAL.sourceVolumeRole())).orElseThrow();
        String device = new ScratchVolumes(aws).locate(ctx, volume);
        CommandTransport transport = aws.transport(ctx);
        boolean nitro = ctx.find(AwsFacts.TARGET_NITRO).orElse(false);
        TargetPlatform platform = nitro ? TargetPlatform.NITRO : TargetPlatform.XEN_HVM;
        GuestFacts facts = guest.inspect(transport, device);
        List<Blocker> blockers = new ArrayList<>();
        if (nitro) {
            missingNitroDrivers(facts).ifPresent(blockers::add);
        }
        if (blockers.isEmpty()) {
            try {
                guest.check(transport, GuestConversion.choose(facts, platform), device, platform);
            } catch (GuestIncompatibleException e) {
                blockers.add(new Blocker("GUEST_INCOMPATIBLE", e.getMessage(), "Fix what the reason names in the"
                        + " guest (its package manager, on the running source), then inventory it again."));
            }
        }
        ctx.put(AwsFacts.GUEST_INSPECTION, new InspectedGuest(facts.os().name(),
                facts.defaultKernel().map(GuestKernel::version).orElse(""), facts.init(), blockers));
    }

    /** A Nitro type needs nvme (its disks) and ena (its network) in the kernel that boots. */
    private static java.util.Optional<Blocker> missingNitroDrivers(GuestFacts facts) {
        Set<String> has = new HashSet<>();
        facts.defaultKernel().ifPresent(k -> {
            has.addAll(k.builtinDrivers());
            has.addAll(k.moduleDrivers());
        });
        List<String> missing = new ArrayList<>(List.of("nvme", "ena"));
        missing.removeAll(has);
        if (missing.isEmpty()) {
            return java.util.Optional.empty();
        }
        String kernel = facts.defaultKernel().map(GuestKernel::version).orElse("(none found)");
        return java.util.Optional.of(new Blocker("NO_NITRO_DRIVERS", "Kernel " + kernel + " of " + facts.os().name()
                + " has no " + String.join(" or ", missing) + " driver, which Nitro instance types need.",
                familyFix(facts.os())));
    }

    /** The usual way each family gets nvme and ena, or the Xen HVM types that need neither. */
    static String familyFix(GuestOs os) {
        String xen = "or migrate to a Xen HVM type (t2, m4, c4, r4), which needs neither.";
        if (os.isRedHatFamily() && os.version().startsWith("6")) {
            return "Build the ENA driver with DKMS (amzn-drivers' kernel/linux/ena, `dkms install`) on the newest"
                    + " RHEL 6 kernel, which has nvme, and add both to the initramfs (`dracut -f --add-drivers"
                    + " \"nvme ena\"`), " + xen;
        }
        if ("ubuntu".equals(os.id())) {
            return "Install the linux-aws kernel (`apt-get install linux-aws`), which has nvme and ena, and boot it, " + xen;
        }
        if ("amzn".equals(os.id())) {
            return "Update to the newest kernel (`yum update kernel`), which has nvme and ena, " + xen;
        }
        return "Install a kernel with the nvme and ena drivers from the distribution, " + xen;
    }
}
