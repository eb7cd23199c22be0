package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.guest.BootEntry;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestKernel;
import io.pv2hvm.core.guest.GuestLayout;
import io.pv2hvm.core.guest.TargetPlatform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a conversion will do to a guest, decided from inspection alone, before anything is
 * written: which entry and kernel to boot, which drivers to add with which tool. Every reason the
 * guest cannot be converted is collected into one {@link GuestIncompatibleException}.
 *
 * @param entry         the PV default entry to carry over
 * @param kernel        its kernel
 * @param driversToAdd  drivers the initramfs lacks for the target and will get
 * @param initramfsTool the guest tool that rebuilds the initramfs ({@code update-initramfs}, ...), empty if none needed
 * @param warnings      findings that do not stop the conversion
 */
public record ConversionPlan(BootEntry entry, GuestKernel kernel, List<String> driversToAdd, String initramfsTool,
                             List<String> warnings) {

    /** Decides the plan, or throws a {@link GuestIncompatibleException} naming every blocker and its fix. */
    public static ConversionPlan decide(GuestFacts facts, ConversionStrategy strategy, TargetPlatform target,
                                        boolean fixDrivers) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String fsType = facts.filesystem().type();

        GuestLayout layout = facts.layout();
        if (strategy == ConversionStrategy.DUAL_BOOT) {
            DualBootRules.refuseLayout(facts, target);
        }
        if (layout.kind() == GuestLayout.Kind.LVM) {
            // an LVM root that cannot be mapped has not been inspected further: refuse with what is known
            List<String> lvm = LvmRules.problems(facts, strategy);
            if (!lvm.isEmpty()) {
                throw new GuestIncompatibleException("Cannot convert " + facts.device() + " with " + strategy + " for " + target
                        + ": " + String.join(" ", lvm));
            }
        }
        problems.addAll(LayoutRules.problems(facts, strategy));
        if (strategy != ConversionStrategy.PARTITION_COPY && layout.kind() == GuestLayout.Kind.WHOLE_DISK) {
            if (!facts.filesystem().isExt()) {
                problems.add(strategy + " needs ext2/3/4, but " + facts.device() + " holds " + (fsType.isEmpty() ? "no known filesystem" : fsType)
                        + (fsType.equals("xfs") ? ": XFS has no free boot sector for extlinux" : "")
                        + ". Use PARTITION_COPY.");
            } else if (facts.filesystem().hasFeature("inline_data")) {
                problems.add(strategy + " cannot boot ext4 with inline_data (extlinux cannot read it) on "
                        + facts.device() + ". Use PARTITION_COPY.");
            } else if (facts.filesystem().hasFeature("extent") && facts.filesystem().blockSize() > 0
                    && facts.filesystem().blockSize() < 4096) {
                // seen in the lab: syslinux 6.04 reports I/O errors loading a kernel stored in extents of 1 KiB blocks
                problems.add(strategy + " cannot boot ext4 with " + facts.filesystem().blockSize() + "-byte blocks (extlinux"
                        + " fails to read extent-mapped files on them) on " + facts.device() + ". Use PARTITION_COPY.");
            }
        }
        if (facts.filesystem().uuid().isEmpty()) {
            problems.add("The filesystem on " + facts.device() + " has no UUID to boot from; give it one (tune2fs -U random / xfs_admin -U generate).");
        }

        if (strategy == ConversionStrategy.DUAL_BOOT) {
            problems.addAll(DualBootRules.problems(facts));
        }

        Optional<BootEntry> entry = facts.defaultEntry();
        Optional<GuestKernel> kernel = facts.defaultKernel();
        if (entry.isEmpty()) {
            problems.add("No boot menu with a default entry (/boot/grub/menu.lst, grub.conf or grub.cfg) on "
                    + facts.device() + "; cannot tell which kernel the guest boots.");
        } else if (kernel.isEmpty()) {
            problems.add("The default boot entry names kernel " + entry.get().kernel() + ", which is not in /boot on " + facts.device() + ".");
        }

        List<String> toAdd = new ArrayList<>();
        String tool = "";
        if (kernel.isPresent()) {
            GuestKernel k = kernel.get();
            if (k.pvOnly()) {
                problems.add("Kernel " + k.version() + " is a Xen PV-only kernel (" + k.pvOnlyReason()
                        + ") and cannot boot as HVM. " + installHint(facts) + otherKernels(facts, k));
            }
            if (entry.get().initrd().isEmpty()) {
                warnings.add("The default entry has no initramfs; the kernel must have its disk drivers built in.");
            } else if (!k.initramfsListed()) {
                warnings.add("Could not list " + entry.get().initrd().get() + "; its drivers for " + target + " are unverified.");
            } else {
                for (Set<String> need : DualBootRules.requiredDrivers(strategy, target, k)) {
                    if (need.stream().anyMatch(k::bootsWith)) {
                        continue;
                    }
                    String wanted = String.join(" or ", new TreeSet<>(need));
                    String why = target == TargetPlatform.XEN_HVM && k.unplugsEmulatedDisks()
                            ? " (the kernel unplugs the emulated IDE disks on Xen HVM, so only its PV block driver finds root)" : "";
                    if (!fixDrivers) {
                        problems.add("The initramfs " + entry.get().initrd().get() + " lacks " + wanted + ", which " + target
                                + " needs to find the root disk or network" + why + ". Enable the driver fix, or rebuild it in the guest"
                                + " (e.g. add " + wanted + " to /etc/initramfs-tools/modules, or dracut --add-drivers).");
                        continue;
                    }
                    Optional<String> available = need.stream().sorted().filter(k::hasModule).findFirst();
                    if (available.isEmpty()) {
                        problems.add("Kernel " + k.version() + " has no " + wanted + " module, which " + target
                                + " needs" + why + ". " + DriverAdvice.forMissing(facts.os(), target, wanted));
                    } else {
                        toAdd.add(available.get());
                    }
                }
                if (!toAdd.isEmpty()) {
                    tool = pickTool(facts);
                    if (tool.isEmpty()) {
                        problems.add("The initramfs needs " + toAdd + " but the guest has no update-initramfs, dracut or mkinitrd to rebuild it.");
                    }
                }
            }
        }
        facts.rootFstabEntry().ifPresentOrElse(e -> { }, () -> warnings.add("/etc/fstab has no entry for /; one will be added."));
        if (!problems.isEmpty()) {
            throw new GuestIncompatibleException("Cannot convert " + facts.device() + " (" + facts.os().name() + ") with "
                    + strategy + " for " + target + ": " + String.join(" ", problems));
        }
        return new ConversionPlan(entry.orElseThrow(), kernel.orElseThrow(), toAdd, tool, warnings);
    }

    /**
     * The guest's initramfs builder, as fix-drivers names it. SUSE's mkinitrd (SLES 11) takes other
     * flags than Red Hat's and is called {@code mkinitrd-suse}; SLES 12 builds with dracut (its
     * mkinitrd is a wrapper around it), so dracut comes first there.
     */
    static String pickTool(GuestFacts facts) {
        boolean suse = facts.os().isSuseFamily();
        List<String> order = facts.os().isRedHatFamily() || suse
                ? List.of("dracut", "mkinitrd", "update-initramfs") : List.of("update-initramfs", "dracut", "mkinitrd");
        for (String t : order) {
            if (facts.initramfsTools().contains(t)) {
                return suse && t.equals("mkinitrd") ? "mkinitrd-suse" : t;
            }
        }
        return "";
    }

    private static String installHint(GuestFacts facts) {
        if (facts.os().isRedHatFamily()) {
            return "Install the non-Xen kernel package first (yum install kernel, not kernel-xen), make it the default in"
                    + " /boot/grub/menu.lst, and make sure its initrd has the target's disk drivers.";
        }
        if (facts.os().isDebianFamily()) {
            return "Install a generic kernel first (apt-get install linux-image-amd64 on Debian, linux-image-virtual on"
                    + " Ubuntu) and make it the default in /boot/grub/menu.lst.";
        }
        return "Install the distribution's generic (non-Xen) kernel package, e.g. kernel-default on SUSE, and make it"
                + " the default in /boot/grub/menu.lst.";
    }

    private static String otherKernels(GuestFacts facts, GuestKernel pvOnly) {
        List<String> others = facts.kernels().stream().filter(k -> !k.pvOnly() && k != pvOnly).map(GuestKernel::version).toList();
        return others.isEmpty() ? "" : " Installed non-Xen kernels that could be made the default: " + String.join(", ", others) + ".";
    }
}
