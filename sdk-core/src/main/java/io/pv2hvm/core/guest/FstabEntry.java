package io.pv2hvm.core.guest;

import java.util.regex.Pattern;

/**
 * One line of the guest's {@code /etc/fstab}.
 *
 * @param spec       what to mount: {@code /dev/xvda1}, {@code UUID=...}, {@code LABEL=...}
 * @param mountPoint where
 * @param type       filesystem type
 * @param options    mount options
 * @param dump       the dump field (0 if absent)
 * @param pass       the fsck pass field (0 if absent)
 */
public record FstabEntry(String spec, String mountPoint, String type, String options, int dump, int pass) {
    private static final Pattern DEVICE_NAME = Pattern.compile("/dev/(xvd|sd|hd|vd)[a-z]+[0-9]*");

    /**
     * Whether the entry names a Xen/SCSI/IDE device by name, which changes under HVM
     * ({@code /dev/xvda1} becomes {@code /dev/nvme0n1p1} on Nitro).
     */
    public boolean namesDevice() {
        return DEVICE_NAME.matcher(spec).matches();
    }

    /** The entry as an fstab line, tab-separated. */
    public String toLine() {
        return String.join("\t", spec, mountPoint, type, options, Integer.toString(dump), Integer.toString(pass));
    }

    /** Whether this is the root filesystem's entry. */
    public boolean isRoot() {
        return mountPoint.equals("/");
    }
}
