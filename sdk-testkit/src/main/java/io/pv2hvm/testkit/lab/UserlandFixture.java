package io.pv2hvm.testkit.lab;

/**
 * Full-userland PV guests: Debian bookworm from debootstrap booting through its own init to
 * multi-user and serving a page (busybox httpd, CGI {@code /cgi-bin/page}) that names the guest,
 * its kernel, its init, its mounted data volumes, its MAC and how often its user-data script ran.
 * Each carries the legacy traits of an EC2 PV root (see {@code build-userland.sh}): PV-GRUB
 * {@code menu.lst}, {@code console=hvc0} and an hvc0 getty, fstab by device name, eth0 pinned to
 * the PV instance's MAC, data volumes by device name ({@code /dev/xvdf}) and by UUID, and a newer
 * kernel package from bookworm-backports waiting in {@code /root/kernel-update}.
 */
public enum UserlandFixture {
    /** systemd, with cloud-init (NoCloud, a per-instance user-data script) that already ran once as PV. */
    SYSTEMD("systemd", "52:54:00:0a:01:01"),
    /** sysvinit-core: the sysvinit families' boot (inittab getty, LSB init scripts, mountall-free {@code mount -a}); no cloud-init. */
    SYSVINIT("sysvinit", "52:54:00:0a:02:01");

    private final String init;
    private final String pvMac;

    UserlandFixture(String init, String pvMac) {
        this.init = init;
        this.pvMac = pvMac;
    }

    /** The guest's init: {@code systemd} or {@code sysvinit}. */
    public String init() {
        return init;
    }

    /** The MAC of the PV instance the guest was pinned to. */
    public String pvMac() {
        return pvMac;
    }

    /** Whether the guest runs cloud-init. */
    public boolean hasCloudInit() {
        return this == SYSTEMD;
    }
}
