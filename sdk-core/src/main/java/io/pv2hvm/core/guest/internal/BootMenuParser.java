package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.guest.BootEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the default entry of a guest's boot menu: GRUB legacy ({@code menu.lst}, {@code grub.conf},
 * what PV-GRUB reads) or GRUB2 ({@code grub.cfg}, what pvgrub2 guests use).
 */
public final class BootMenuParser {
    private static final Pattern DEVICE_PREFIX = Pattern.compile("^\\([^)]*\\)");
    private static final Pattern MENUENTRY = Pattern.compile("^menuentry\\s+(?:'([^']*)'|\"([^\"]*)\"|(\\S+)).*\\{\\s*$");
    private static final Pattern GRUB2_DEFAULT = Pattern.compile("^set\\s+default=[\"']?([0-9]+)[\"']?\\s*$");

    private BootMenuParser() {
    }

    /** The default entry of a GRUB legacy menu ({@code default N}, entries started by {@code title}). */
    public static Optional<BootEntry> grubLegacy(List<String> lines) {
        int defaultIndex = 0;
        List<Draft> entries = new ArrayList<>();
        Draft current = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("[\\s=]+", 2);
            String key = kv[0].toLowerCase();
            String value = kv.length > 1 ? kv[1].strip() : "";
            switch (key) {
                case "default" -> defaultIndex = value.matches("[0-9]+") ? Integer.parseInt(value) : 0;
                case "title" -> {
                    current = new Draft(value);
                    entries.add(current);
                }
                case "kernel" -> {
                    if (current != null) {
                        current.kernelLine(value);
                    }
                }
                case "initrd" -> {
                    if (current != null) {
                        current.initrd = stripDevice(value.split("\\s+")[0]);
                    }
                }
                default -> { }
            }
        }
        return pick(entries, defaultIndex);
    }

    /** The default entry of a GRUB2 {@code grub.cfg} (top-level {@code menuentry} blocks, numeric {@code set default}). */
    public static Optional<BootEntry> grub2(List<String> lines) {
        int defaultIndex = 0;
        List<Draft> entries = new ArrayList<>();
        Draft current = null;
        int depth = 0;
        for (String raw : lines) {
            String line = raw.strip();
            Matcher d = GRUB2_DEFAULT.matcher(line);
            if (depth == 0 && d.matches()) {
                defaultIndex = Integer.parseInt(d.group(1));
            }
            Matcher m = MENUENTRY.matcher(line);
            if (depth == 0 && m.matches()) {
                String title = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                current = new Draft(title);
                entries.add(current);
                depth = 1;
                continue;
            }
            if (line.endsWith("{")) {
                depth++;
            } else if (line.equals("}")) {
                depth = Math.max(0, depth - 1);
                if (depth == 0) {
                    current = null;
                }
            } else if (current != null && depth == 1) {
                String[] kv = line.split("\\s+", 2);
                if ((kv[0].equals("linux") || kv[0].equals("linux16") || kv[0].equals("linuxefi")) && kv.length > 1) {
                    current.kernelLine(kv[1]);
                } else if ((kv[0].equals("initrd") || kv[0].equals("initrd16") || kv[0].equals("initrdefi")) && kv.length > 1) {
                    current.initrd = stripDevice(kv[1].split("\\s+")[0]);
                }
            }
        }
        return pick(entries, defaultIndex);
    }

    private static Optional<BootEntry> pick(List<Draft> entries, int defaultIndex) {
        List<Draft> bootable = entries.stream().filter(e -> e.kernel != null).toList();
        if (bootable.isEmpty()) {
            return Optional.empty();
        }
        Draft chosen = defaultIndex < entries.size() && entries.get(defaultIndex).kernel != null
                ? entries.get(defaultIndex) : bootable.get(0);
        return Optional.of(new BootEntry(chosen.title, chosen.kernel, Optional.ofNullable(chosen.initrd), chosen.args));
    }

    private static String stripDevice(String path) {
        return DEVICE_PREFIX.matcher(path).replaceFirst("");
    }

    private static final class Draft {
        final String title;
        String kernel;
        String initrd;
        List<String> args = List.of();

        Draft(String title) {
            this.title = title;
        }

        void kernelLine(String value) {
            List<String> words = Arrays.stream(value.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
            if (!words.isEmpty()) {
                kernel = stripDevice(words.get(0));
                args = words.subList(1, words.size());
            }
        }
    }
}
