package io.pv2hvm.core.guest;

/**
 * How the guest starts its services, as far as a conversion must know: which init runs the
 * mounts (its fstab options differ), whether cloud-init runs (a new instance id would re-run its
 * per-instance modules), whether SELinux is enforced (changed files need their labels), and
 * whether the network configuration names {@code eth0} (which predictable interface names would
 * rename on ENA or ixgbevf).
 *
 * @param init       {@code systemd}, {@code upstart-mountall} (Ubuntu: mountall mounts devices as they
 *                   appear), {@code upstart} (RHEL 6 style: rc.sysinit mounts fstab once),
 *                   {@code sysvinit} or {@code unknown}
 * @param cloudInit  whether cloud-init is installed
 * @param selinux    the mode {@code /etc/selinux/config} sets ({@code enforcing}, {@code permissive},
 *                   {@code disabled}), or empty without that file
 * @param namesEth0  whether the guest's network configuration refers to {@code eth0}
 * @param staticEth0 whether it gives eth0 a static address instead of DHCP
 */
public record GuestStartup(String init, boolean cloudInit, String selinux, boolean namesEth0, boolean staticEth0) {
    /** What is assumed when inspection could not tell: an unknown init, nothing else. */
    public static GuestStartup unknown() {
        return new GuestStartup("unknown", false, "", false, false);
    }

    /** Without an opinion on eth0's addressing. */
    public GuestStartup(String init, boolean cloudInit, String selinux, boolean namesEth0) {
        this(init, cloudInit, selinux, namesEth0, false);
    }

    /** Whether systemd mounts the filesystems (it honours {@code x-systemd.device-timeout}). */
    public boolean isSystemd() {
        return init.equals("systemd");
    }

    /**
     * Whether upstart's mountall mounts them (it ignores {@code nofail} and honours
     * {@code nobootwait}); RHEL-style upstart's rc.sysinit runs plain {@code mount -a}, which would
     * hand {@code nobootwait} to the filesystem and fail the mount.
     */
    public boolean usesMountall() {
        return init.equals("upstart-mountall");
    }

    /**
     * Whether the init mounts /etc/fstab once, early in boot, and never again: sysvinit and
     * RHEL-style upstart (rc.sysinit). A volume attached later stays unmounted until the next boot.
     */
    public boolean mountsFstabOnce() {
        return init.equals("sysvinit") || init.equals("upstart");
    }

    /** Whether SELinux labels files on this guest (enforcing or permissive). */
    public boolean selinuxLabels() {
        return selinux.equals("enforcing") || selinux.equals("permissive");
    }
}
