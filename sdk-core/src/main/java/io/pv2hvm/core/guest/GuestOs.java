package io.pv2hvm.core.guest;

/**
 * The guest's operating system, from {@code /etc/os-release}, {@code /etc/redhat-release},
 * {@code /etc/system-release} or {@code /etc/SuSE-release} (SLES 11 has no os-release).
 *
 * @param id          the os-release {@code ID} ({@code debian}, {@code centos}, {@code amzn}, ...),
 *                    guessed from the release line when there is no os-release; empty if unknown
 * @param version     the version ({@code 12}, {@code 5.11}); empty if unknown
 * @param name        a human-readable name ({@code PRETTY_NAME} or the release line)
 * @param releaseFile the file it came from; empty if none was found
 */
public record GuestOs(String id, String version, String name, String releaseFile) {
    /** An operating system inspection could not identify. */
    public static GuestOs unknown() {
        return new GuestOs("", "", "unknown", "");
    }

    /** Whether the guest is Red Hat-like (RHEL, CentOS, Fedora, Amazon Linux, ...). */
    public boolean isRedHatFamily() {
        return id.matches("rhel|centos|fedora|amzn|ol|rocky|almalinux|scientific") || releaseFile.endsWith("redhat-release");
    }

    /** Whether the guest is Debian-like (Debian, Ubuntu). */
    public boolean isDebianFamily() {
        return id.matches("debian|ubuntu");
    }

    /** Whether the guest is SUSE (SLES, SLED, openSUSE), whose {@code mkinitrd} takes SUSE's flags, not Red Hat's. */
    public boolean isSuseFamily() {
        return id.matches("sles|sled|suse|opensuse.*") || releaseFile.endsWith("SuSE-release");
    }

    /** The major version ({@code 6} of {@code 6.10}), or -1 if unknown. */
    public int majorVersion() {
        String major = version.replaceAll("^([0-9]+).*$", "$1");
        return major.matches("[0-9]{1,4}") ? Integer.parseInt(major) : -1;
    }
}
