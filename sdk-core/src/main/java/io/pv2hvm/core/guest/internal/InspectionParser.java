package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.UnsafeGuestException;
import io.pv2hvm.core.guest.BootEntry;
import io.pv2hvm.core.guest.FstabEntry;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestFilesystem;
import io.pv2hvm.core.guest.GuestKernel;
import io.pv2hvm.core.guest.GuestLayout;
import io.pv2hvm.core.guest.GuestOs;
import io.pv2hvm.core.guest.GuestStartup;
import io.pv2hvm.core.guest.LvmRoot;
import io.pv2hvm.core.internal.UntrustedText;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses the tab-separated records the {@code inspect} worker script prints into {@link GuestFacts}.
 * The script dumps raw file lines; the reading of os-release, boot menus and fstab happens here,
 * where it can be unit-tested. The output is guest text: every field has its control characters
 * escaped ({@link UntrustedText}), and counts and sizes are bounded before anything is kept, so a
 * hostile guest (or worker) cannot make the controller allocate without limit.
 */
public final class InspectionParser {
    private static final List<String> BOOT_CONFIGS = List.of(
            "/boot/grub/menu.lst", "/boot/grub/grub.conf", "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg");

    /** The inspect script prints at most 2000 lines of a file; more is not what it sent. */
    static final int MAX_FILE_LINES = 2000;
    /** Installed kernels: real guests keep a handful; package managers default to 2-5. */
    static final int MAX_KERNELS = 64;
    /** Filesystem feature flags: ext4 knows about 30. */
    static final int MAX_FEATURES = 128;
    /** Largest size a volume can report: 64 TiB, EBS's largest volume (io2 Block Express), times 16. */
    static final long MAX_BYTES = 1L << 50;
    /** LVM records: a few physical volumes and root segments; lvm2 itself allows far fewer than this on one disk. */
    static final int MAX_LVM_RECORDS = 1024;

    private InspectionParser() {
    }

    /** Parses the script's standard output for the volume {@code device}. */
    public static GuestFacts parse(String device, String output) {
        boolean partitioned = false;
        Map<String, String> fs = new LinkedHashMap<>();
        Set<String> features = new LinkedHashSet<>();
        Map<String, List<String>> files = new LinkedHashMap<>();
        Map<String, KernelDraft> kernels = new LinkedHashMap<>();
        Set<String> tools = new LinkedHashSet<>();
        Map<String, String> startup = new LinkedHashMap<>();
        List<String[]> layout = new ArrayList<>();
        Map<String, String> boot = new LinkedHashMap<>();
        Set<String> bootFeatures = new LinkedHashSet<>();
        List<String[]> lvm = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] f = line.split("\t", -1);
            for (int i = 0; i < f.length; i++) {
                f[i] = UntrustedText.line(f[i]);
            }
            switch (f[0]) {
                case "layout" -> {
                    partitioned |= f.length > 1 && f[1].equals("partitioned");
                    layout.add(f);
                }
                case "boot" -> {
                    if (f.length >= 3 && f[1].equals("feature")) {
                        bootFeatures.add(f[2]);
                    } else if (f.length >= 3) {
                        boot.put(f[1], f[2]);
                    }
                }
                case "fs" -> {
                    if (f.length >= 3 && f[1].equals("feature")) {
                        features.add(f[2]);
                        bound(features.size(), MAX_FEATURES, device, "filesystem features");
                    } else if (f.length >= 3) {
                        fs.put(f[1], f[2]);
                    }
                }
                case "file-present" -> files.computeIfAbsent(f[1], k -> new ArrayList<>());
                case "file" -> {
                    List<String> lines = files.computeIfAbsent(f[1], k -> new ArrayList<>());
                    bound(lines.size() + 1, MAX_FILE_LINES, f[1], "lines");
                    lines.add(f.length > 2 ? String.join(" ", List.of(f).subList(2, f.length)) : "");
                }
                case "lvm" -> {
                    bound(lvm.size() + 1, MAX_LVM_RECORDS, device, "LVM records");
                    lvm.add(f);
                }
                case "tool" -> tools.add(f[1]);
                case "startup" -> {
                    if (f.length >= 3) {
                        startup.put(f[1], f[2]);
                    }
                }
                case "kernel" -> {
                    if (f.length >= 4) {
                        if (!kernels.containsKey(f[1])) {
                            bound(kernels.size() + 1, MAX_KERNELS, "/boot", "kernels");
                        }
                        kernels.computeIfAbsent(f[1], KernelDraft::new).add(f[2], f[3]);
                    }
                }
                default -> { }
            }
        }
        GuestFilesystem filesystem = new GuestFilesystem(fs.getOrDefault("device", device), fs.getOrDefault("type", ""),
                fs.getOrDefault("uuid", ""), fs.getOrDefault("label", ""), features, size(fs, "fs-bytes", MAX_BYTES, device),
                size(fs, "used-bytes", MAX_BYTES, device), size(fs, "device-bytes", MAX_BYTES, device),
                (int) size(fs, "block-size", 65536, device));
        List<GuestKernel> kernelList = kernels.values().stream().map(KernelDraft::build).toList();

        String bootConfig = "";
        Optional<BootEntry> entry = Optional.empty();
        for (String config : BOOT_CONFIGS) {
            if (files.containsKey(config)) {
                entry = config.endsWith(".cfg") ? BootMenuParser.grub2(files.get(config)) : BootMenuParser.grubLegacy(files.get(config));
                if (entry.isPresent()) {
                    bootConfig = config;
                    break;
                }
            }
        }
        entry = entry.map(e -> underBoot(e, kernelList));

        List<String> consoles = new ArrayList<>();
        entry.ifPresent(e -> consoles.addAll(e.consoles()));
        for (String l : files.getOrDefault("/etc/inittab", List.of())) {
            String s = l.strip();
            if (!s.startsWith("#") && s.matches(".*getty.*\\b(hvc0|xvc0|ttyS0|console)\\b.*")) {
                String tty = s.replaceAll(".*\\b(hvc0|xvc0|ttyS0|console)\\b.*", "$1");
                consoles.add(tty + " (inittab)");
            }
        }
        return new GuestFacts(device, partitioned, filesystem, os(files), bootConfig, entry, kernelList,
                fstab(files.getOrDefault("/etc/fstab", List.of())), consoles, tools, startup(startup, files),
                layout(layout, boot, bootFeatures, lvm));
    }

    /** The volume's layout from the {@code layout} and {@code boot} records. */
    static GuestLayout layout(List<String[]> records, Map<String, String> boot, Set<String> bootFeatures) {
        return layout(records, boot, bootFeatures, List.of());
    }

    /** The same, with the {@code lvm} records of a root on a logical volume. */
    static GuestLayout layout(List<String[]> records, Map<String, String> boot, Set<String> bootFeatures, List<String[]> lvmRecords) {
        String table = "";
        boolean lvmRoot = false;
        int root = 0;
        long first = 0;
        int lvm = 0;
        for (String[] f : records) {
            if (f.length < 3) {
                continue;
            }
            switch (f[1]) {
                case "partitioned" -> table = f[2];
                case "root-partition" -> root = (int) number(f[2]);
                case "first-sector" -> first = number(f[2]);
                case "lvm-partitions" -> lvm = (int) number(f[2]);
                case "kind" -> lvmRoot = f[2].equals("lvm");
                default -> { }
            }
        }
        Optional<GuestFilesystem> bootFs = boot.containsKey("device")
                ? Optional.of(new GuestFilesystem(boot.get("device"), boot.getOrDefault("type", ""), boot.getOrDefault("uuid", ""),
                        boot.getOrDefault("label", ""), bootFeatures, number(boot.get("fs-bytes")), number(boot.get("used-bytes")),
                        number(boot.get("device-bytes")), 0))
                : Optional.empty();
        GuestLayout.Kind kind = lvmRoot ? GuestLayout.Kind.LVM : table.isEmpty() ? GuestLayout.Kind.WHOLE_DISK : GuestLayout.Kind.PARTITIONED;
        Optional<LvmRoot> lvmFacts = kind == GuestLayout.Kind.LVM ? Optional.of(lvmRoot(lvmRecords)) : Optional.empty();
        return new GuestLayout(kind, table, root, first, bootFs, lvm, boot.getOrDefault("elsewhere", ""), lvmFacts);
    }

    /** The root LV from the {@code lvm} records: its name in the boot menu, the group's volumes and the LV's segments. */
    static LvmRoot lvmRoot(List<String[]> records) {
        String argument = "";
        String vg = "";
        String lv = "";
        String mapped = "";
        int groupVolumes = 0;
        List<LvmRoot.PhysicalVolume> volumes = new ArrayList<>();
        List<LvmRoot.Segment> segments = new ArrayList<>();
        for (String[] f : records) {
            switch (f.length < 2 ? "" : f[1]) {
                case "root-argument" -> argument = f.length > 2 ? f[2] : "";
                case "root" -> {
                    if (f.length >= 4) {
                        vg = f[2];
                        lv = f[3];
                    }
                }
                case "pv" -> {
                    if (f.length >= 5) {
                        volumes.add(new LvmRoot.PhysicalVolume(f[2], f[3], f[4]));
                    }
                }
                case "vg" -> {
                    if (f.length >= 4 && f[2].equals(vg)) {
                        groupVolumes = (int) number(f[3]);
                    }
                }
                case "segment" -> {
                    if (f.length >= 6 && f[2].equals(lv)) {
                        segments.add(new LvmRoot.Segment(f[3], f[4], f[5]));
                    }
                }
                case "mapped" -> mapped = f.length > 2 ? f[2] : "";
                default -> { }
            }
        }
        return new LvmRoot(argument, vg, lv, volumes, groupVolumes, segments, mapped);
    }

    /** The init, cloud-init, SELinux mode and whether the network configuration names eth0. */
    static GuestStartup startup(Map<String, String> records, Map<String, List<String>> files) {
        String selinux = "";
        for (String l : files.getOrDefault("/etc/selinux/config", List.of())) {
            String s = l.strip();
            if (s.startsWith("SELINUX=")) {
                selinux = s.substring("SELINUX=".length()).replaceAll("[\"']", "").strip().toLowerCase();
            }
        }
        boolean eth0 = files.containsKey("/etc/sysconfig/network-scripts/ifcfg-eth0")
                || files.containsKey("/etc/sysconfig/network/ifcfg-eth0")
                || files.getOrDefault("/etc/network/interfaces", List.of()).stream()
                        .map(String::strip).anyMatch(l -> !l.startsWith("#") && l.matches(".*\\beth0\\b.*"));
        boolean staticEth0 = files.getOrDefault("/etc/network/interfaces", List.of()).stream().map(String::strip)
                .anyMatch(l -> l.matches("iface\\s+eth0\\s+inet\\s+static.*"));
        for (String f : List.of("/etc/sysconfig/network-scripts/ifcfg-eth0", "/etc/sysconfig/network/ifcfg-eth0")) {
            staticEth0 |= files.getOrDefault(f, List.of()).stream().map(String::strip)
                    .anyMatch(l -> l.matches("BOOTPROTO=[\"']?(static|none)[\"']?"));
        }
        return new GuestStartup(records.getOrDefault("init", "unknown"), records.containsKey("cloud-init"), selinux, eth0, staticEth0);
    }

    /** Parses fstab lines, skipping comments and blank lines. */
    public static List<FstabEntry> fstab(List<String> lines) {
        List<FstabEntry> out = new ArrayList<>();
        for (String l : lines) {
            String s = l.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            String[] w = s.split("\\s+");
            if (w.length >= 2) {
                out.add(new FstabEntry(w[0], w[1], w.length > 2 ? w[2] : "auto", w.length > 3 ? w[3] : "defaults",
                        w.length > 4 ? small(w[4]) : 0, w.length > 5 ? small(w[5]) : 0));
            }
        }
        return out;
    }

    /** The operating system from os-release, else redhat-release, else system-release. */
    static GuestOs os(Map<String, List<String>> files) {
        for (String f : List.of("/etc/os-release", "/usr/lib/os-release")) {
            if (files.containsKey(f)) {
                Map<String, String> kv = new LinkedHashMap<>();
                for (String l : files.get(f)) {
                    int eq = l.indexOf('=');
                    if (eq > 0) {
                        kv.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip().replaceAll("^[\"']|[\"']$", ""));
                    }
                }
                return new GuestOs(kv.getOrDefault("ID", ""), kv.getOrDefault("VERSION_ID", ""),
                        kv.getOrDefault("PRETTY_NAME", kv.getOrDefault("NAME", "")), f);
            }
        }
        for (String f : List.of("/etc/redhat-release", "/etc/system-release", "/etc/SuSE-release")) {
            List<String> lines = files.get(f);
            if (lines != null && !lines.isEmpty()) {
                String name = lines.get(0).strip();
                String lower = name.toLowerCase();
                String id = lower.startsWith("centos") ? "centos" : lower.startsWith("amazon") ? "amzn"
                        : lower.startsWith("fedora") ? "fedora" : lower.startsWith("red hat") ? "rhel"
                        : lower.startsWith("oracle linux") ? "ol"
                        : lower.startsWith("suse linux enterprise server") ? "sles"
                        : lower.startsWith("suse linux enterprise desktop") ? "sled"
                        : lower.startsWith("opensuse") ? "opensuse" : "";
                String version = name.replaceAll("^[^0-9]*([0-9][0-9.]*).*$", "$1");
                return new GuestOs(id, version.equals(name) ? "" : version, name, f);
            }
        }
        return GuestOs.unknown();
    }

    /** Menus written for a separate /boot partition name kernels as /vmlinuz-...; on the root filesystem they live in /boot. */
    private static BootEntry underBoot(BootEntry e, List<GuestKernel> kernels) {
        boolean direct = kernels.stream().anyMatch(k -> k.path().equals(e.kernel()));
        boolean underBoot = kernels.stream().anyMatch(k -> k.path().equals("/boot" + e.kernel()));
        if (direct || !underBoot) {
            return e;
        }
        return new BootEntry(e.title(), "/boot" + e.kernel(), e.initrd().map(i -> "/boot" + i), e.arguments());
    }

    private static int small(String s) {
        return s.matches("[0-9]{1,3}") ? Integer.parseInt(s) : 0;
    }

    /** Refuses a count above {@code max}: no real guest has that many, so the disk (or the worker) is lying. */
    private static void bound(int count, int max, String where, String what) {
        if (count > max) {
            throw new UnsafeGuestException(where, "more than " + max + " " + what,
                    "Inspection reported more than " + max + " " + what + " for " + where + "; no real guest has that many,"
                            + " so pv2hvm stops before keeping them. Check the guest's " + where + ".");
        }
    }

    /** A size field, refused outside 0..{@code max} before anything is sized by it. */
    private static long size(Map<String, String> fs, String key, long max, String device) {
        long n = number(fs.get(key));
        if (n < 0 || n > max) {
            throw new UnsafeGuestException(device, key + " " + n, "Inspection of " + device + " reported " + key + " " + n
                    + ", outside 0.." + max + "; pv2hvm does not size anything by it. Check the volume's filesystem.");
        }
        return n;
    }

    private static long number(String s) {
        try {
            return s == null || s.isBlank() ? 0 : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static final class KernelDraft {
        final String version;
        String path = "";
        String initrd;
        boolean listed;
        boolean xenPvhvm;
        final List<String> pvOnly = new ArrayList<>();
        final Set<String> initramfs = new LinkedHashSet<>();
        final Set<String> modules = new LinkedHashSet<>();
        final Set<String> builtin = new LinkedHashSet<>();

        KernelDraft(String version) {
            this.version = version;
        }

        void add(String key, String value) {
            switch (key) {
                case "path" -> path = value;
                case "initrd" -> initrd = value;
                case "initramfs-listed" -> listed = value.equals("yes");
                case "initramfs-driver" -> initramfs.add(value);
                case "module" -> modules.add(value);
                case "builtin" -> builtin.add(value);
                case "pv-only-config" -> pvOnly.add(value);
                case "xen-pvhvm" -> xenPvhvm = true;
                default -> { }
            }
        }

        GuestKernel build() {
            // kernel-xen flavours (RHEL/CentOS 5 el5xen, Fedora xenU, SUSE -xen) are PV-only builds
            if (pvOnly.isEmpty() && version.matches(".*(xen|xenU|-xen)$")) {
                pvOnly.add("Xen PV kernel flavour '" + version + "'");
            }
            return new GuestKernel(version, path, Optional.ofNullable(initrd), String.join(", ", pvOnly), listed,
                    initramfs, modules, builtin, xenPvhvm);
        }
    }
}
