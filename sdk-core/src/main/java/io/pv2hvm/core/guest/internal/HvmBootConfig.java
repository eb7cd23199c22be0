package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.guest.BootEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The HVM boot entry derived from the guest's PV default entry, rendered as an
 * {@code extlinux.conf} ({@code IN_PLACE}) or a GRUB2 {@code grub.cfg} ({@code PARTITION_COPY}).
 * Root is found by filesystem UUID and the console moves from {@code hvc0} to {@code ttyS0}, where
 * EC2's GetConsoleOutput reads it.
 */
public final class HvmBootConfig {
    private static final Pattern SAFE_ARG = Pattern.compile("[A-Za-z0-9_.,:=/+@-]+");
    private static final Pattern UUID = Pattern.compile("[0-9A-Fa-f-]{8,36}");

    private final String title;
    private final String kernel;
    private final String initrd;
    private final List<String> arguments;
    private final String rootUuid;
    private final List<String> warnings = new ArrayList<>();

    /** Derives the HVM entry from {@code entry}, booting the filesystem with {@code rootUuid}. */
    public HvmBootConfig(BootEntry entry, String rootUuid) {
        this(entry, rootUuid, List.of());
    }

    /** The same, adding {@code extraArguments} (e.g. {@code net.ifnames=0}) unless the entry already sets them. */
    public HvmBootConfig(BootEntry entry, String rootUuid, List<String> extraArguments) {
        this(entry, rootUuid, "UUID=" + rootUuid, extraArguments);
    }

    /**
     * The same, the kernel finding its root by {@code rootSpec} rather than by UUID: an LVM root
     * keeps the guest's own {@code root=/dev/mapper/VG-LV}, which its initramfs activates.
     */
    public HvmBootConfig(BootEntry entry, String rootUuid, String rootSpec, List<String> extraArguments) {
        if (!SAFE_ARG.matcher("root=" + rootSpec).matches()) {
            throw new IllegalArgumentException("not a root device for the kernel command line: " + rootSpec);
        }
        if (!UUID.matcher(rootUuid).matches()) {
            throw new IllegalArgumentException("not a filesystem UUID: " + rootUuid);
        }
        this.rootUuid = rootUuid;
        this.title = entry.title().replaceAll("[^A-Za-z0-9 ._(),+-]", "").strip();
        this.kernel = WorkerScript.guestPath(entry.kernel());
        this.initrd = entry.initrd().map(WorkerScript::guestPath).orElse(null);
        List<String> args = new ArrayList<>();
        args.add("root=" + rootSpec);
        for (String a : entry.arguments()) {
            if (a.startsWith("root=") || a.startsWith("console=") || a.startsWith("xencons=")) {
                continue;  // replaced below: the root by UUID (or the guest's LV), the Xen console by the serial port
            }
            if (!SAFE_ARG.matcher(a).matches()) {
                warnings.add("dropped kernel argument '" + a + "' (characters the HVM boot entry does not carry)");
                continue;
            }
            args.add(a);
        }
        for (String extra : extraArguments) {
            String key = extra.substring(0, extra.indexOf('=') + 1);
            if (args.stream().noneMatch(a -> a.startsWith(key))) {
                args.add(extra);
            }
        }
        args.add("console=tty0");
        args.add("console=ttyS0,115200n8");
        this.arguments = List.copyOf(args);
    }

    /** The kernel command line of the HVM entry. */
    public List<String> arguments() {
        return arguments;
    }

    /** Arguments dropped while deriving the entry. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The configuration for extlinux installed in the filesystem's boot sector. */
    public String extlinuxConf() {
        StringBuilder sb = new StringBuilder()
                .append("# Written by pv2hvm: the guest's default PV-GRUB entry, booted by BIOS through extlinux.\n")
                .append("SERIAL 0 115200\n")
                .append("DEFAULT hvm\n")
                .append("PROMPT 0\n")
                .append("TIMEOUT 10\n")
                .append("LABEL hvm\n")
                .append("  MENU LABEL ").append(title.isEmpty() ? "Linux" : title).append('\n')
                .append("  LINUX ").append(kernel).append('\n');
        if (initrd != null) {
            sb.append("  INITRD ").append(initrd).append('\n');
        }
        return sb.append("  APPEND ").append(String.join(" ", arguments)).append('\n').toString();
    }

    /** The GRUB2 configuration for the partitioned copy; {@code fsType} picks the GRUB filesystem module. */
    public String grubCfg(String fsType) {
        return grub(fsType, rootUuid, kernel, initrd);
    }

    /**
     * The GRUB2 configuration when {@code /boot} is a filesystem of its own ({@code bootFsType},
     * {@code bootUuid}): GRUB reads it there, where the kernel is {@code /vmlinuz-...}, not
     * {@code /boot/vmlinuz-...}; the kernel still mounts the root by its UUID.
     */
    public String grubCfgOnSeparateBoot(String bootFsType, String bootUuid) {
        if (!UUID.matcher(bootUuid).matches()) {
            throw new IllegalArgumentException("not a filesystem UUID: " + bootUuid);
        }
        return grub(bootFsType, bootUuid, outsideBoot(kernel), initrd == null ? null : outsideBoot(initrd));
    }

    private static String outsideBoot(String path) {
        if (!path.startsWith("/boot/")) {
            throw new IllegalArgumentException(path + " is not under /boot");
        }
        return path.substring("/boot".length());
    }

    private String grub(String fsType, String searchUuid, String kernel, String initrd) {
        String module = fsType.equals("xfs") ? "xfs" : "ext2";
        StringBuilder sb = new StringBuilder()
                .append("# Written by pv2hvm: the guest's default PV-GRUB entry, booted by BIOS through GRUB2.\n")
                .append("serial --unit=0 --speed=115200\n")
                .append("terminal_input serial console\n")
                .append("terminal_output serial console\n")
                .append("set timeout=1\n")
                .append("set default=0\n")
                .append("menuentry '").append(title.isEmpty() ? "Linux" : title).append(" (HVM)' {\n")
                .append("  insmod part_msdos\n")
                .append("  insmod ").append(module).append('\n')
                .append("  search --no-floppy --fs-uuid --set=root ").append(searchUuid).append('\n')
                .append("  linux ").append(kernel).append(' ').append(String.join(" ", arguments)).append('\n');
        if (initrd != null) {
            sb.append("  initrd ").append(initrd).append('\n');
        }
        return sb.append("}\n").toString();
    }
}
