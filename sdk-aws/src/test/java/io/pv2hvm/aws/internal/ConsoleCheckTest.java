package io.pv2hvm.aws.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Console snippets as the guests print them, failed and clean. */
class ConsoleCheckTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("GRUB 2 without its modules", """
                        GRUB loading.
                        Welcome to GRUB!

                        grub rescue>\s""", "grub rescue>", "reinstall GRUB"),
                Arguments.of("GRUB 2 reading a filesystem it does not know", """
                        GRUB loading.
                        Welcome to GRUB!

                        error: unknown filesystem.
                        Entering rescue mode...
                        grub rescue>\s""", "error: unknown filesystem.", "GRUB cannot read"),
                Arguments.of("GRUB 2 pointed at a missing partition", """
                        GRUB loading.
                        Welcome to GRUB!

                        error: no such partition.
                        Entering rescue mode...
                        grub rescue>\s""", "error: no such partition.", "partition the disk does not have"),
                Arguments.of("dracut without the root device (CentOS 7 on Nitro)", """
                        [    1.214113] systemd[1]: Reached target Basic System.
                        [  191.870462] dracut-initqueue[276]: Warning: dracut-initqueue timeout - starting timeout scripts
                        [  192.405733] dracut-initqueue[276]: Warning: Could not boot.
                        [  192.412281] dracut-initqueue[276]: Warning: /dev/disk/by-uuid/388a99ed-9486-4a46-aeb6-06eaf6c47675 does not exist
                                 Starting Dracut Emergency Shell...
                        Warning: /dev/disk/by-uuid/388a99ed-9486-4a46-aeb6-06eaf6c47675 does not exist

                        Generating "/run/initramfs/rdsosreport.txt"

                        Entering emergency mode. Exit the shell to continue.
                        Type "journalctl" to view system logs.

                        dracut:/#\s""", "[  191.870462] dracut-initqueue[276]: Warning: dracut-initqueue timeout - starting timeout scripts",
                        "disk driver"),
                Arguments.of("dracut's shell alone", "dracut Warning: No root device \"block:/dev/xvda1\" found\n\ndracut:/# ",
                        "dracut:/#", "emergency shell"),
                Arguments.of("initramfs-tools without the root device (Ubuntu 14.04)", """
                        Gave up waiting for root device.  Common problems:
                         - Boot args (cat /proc/cmdline)
                           - Check rootdelay= (did the system wait long enough?)
                           - Check root= (did the system wait for the right device?)
                         - Missing modules (cat /proc/modules; ls /dev)
                        ALERT!  /dev/xvda1 does not exist.  Dropping to a shell!

                        BusyBox v1.21.1 (Ubuntu 1:1.21.0-1ubuntu1) built-in shell (ash)
                        Enter 'help' for a list of built-in commands.

                        (initramfs)\s""", "ALERT!  /dev/xvda1 does not exist.  Dropping to a shell!", "initramfs-tools"),
                Arguments.of("initramfs-tools' prompt alone", "Begin: Running /scripts/local-premount ... done.\n(initramfs) ",
                        "(initramfs)", "BusyBox"),
                Arguments.of("mountall waiting for a data volume (Ubuntu 12.04)", """
                         * Starting Mount filesystems on boot[ OK ]
                        The disk drive for /data is not ready yet or not present.
                        Continue to wait, or Press S to skip mounting or M for manual recovery""",
                        "The disk drive for /data is not ready yet or not present.", "nobootwait"),
                Arguments.of("mountall's skip prompt alone", "An error occurred while mounting /srv.\n"
                        + "Press S to skip mounting or M for manual recovery", "Press S to skip mounting or M for manual recovery",
                        "mountall"),
                Arguments.of("systemd emergency mode after a failed data mount", """
                        [FAILED] Failed to mount /data.
                        See 'systemctl status data.mount' for details.
                        [DEPEND] Dependency failed for Local File Systems.
                        You are in emergency mode. After logging in, type "journalctl -xb" to view
                        system logs, "systemctl reboot" to reboot, "systemctl default" or ^D to
                        try again to boot into default mode.
                        Give root password for maintenance
                        (or press Control-D to continue):\s""", "You are in emergency mode. After logging in, type \"journalctl -xb\" to view",
                        "nofail"),
                Arguments.of("sysvinit's fsck of a missing data volume (CentOS 6)", """
                        Checking filesystems
                        /dev/xvde1: clean, 45325/524288 files, 380117/2097152 blocks
                        fsck.ext4: No such file or directory while trying to open /dev/xvdf

                        *** An error occurred during the file system check.
                        *** Dropping you to a shell; the system will reboot
                        *** when you leave the shell.
                        Give root password for maintenance
                        (or type Control-D to continue):\s""", "Give root password for maintenance", "sysvinit"),
                Arguments.of("a kernel without its root (PV-only disk driver)", """
                        VFS: Cannot open root device "xvde1" or unknown-block(0,0): error -6
                        Please append a correct "root=" boot option; here are the available partitions:
                        Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)""",
                        "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)", "root="));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failure_reportsTheEarliestFailureLine_withItsCauseAndFix(String what, String console, String line, String causeMentions) {
        ConsoleCheck.Failure f = ConsoleCheck.failure(console).orElseThrow(() -> new AssertionError("not detected: " + what));

        assertThat(f.line()).isEqualTo(line.strip());
        assertThat(f.cause()).contains(causeMentions).contains("Fix:");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clean")
    void failure_onACleanBoot_isEmpty(String what, String console) {
        assertThat(ConsoleCheck.failure(console)).as(what).isEmpty();
    }

    static Stream<Arguments> clean() {
        return Stream.of(
                Arguments.of("CentOS 6 to its login prompt", """
                        Checking filesystems
                        /dev/xvda1: clean, 45325/524288 files, 380117/2097152 blocks
                        /dev/xvdf: clean, 11/6553600 files, 459349/26214400 blocks
                        Mounting local filesystems:  [  OK  ]
                        Starting sshd: [  OK  ]
                        Starting httpd: [  OK  ]

                        CentOS release 6.10 (Final)
                        Kernel 2.6.32-754.el6.x86_64 on an x86_64

                        ip-10-0-1-10 login:\s"""),
                Arguments.of("Debian 8 with systemd", """
                        [    2.113242] systemd[1]: Mounted /data.
                        [  OK  ] Reached target Local File Systems.
                        [  OK  ] Started OpenBSD Secure Shell server.
                        Debian GNU/Linux 8 ip-10-0-1-10 ttyS0

                        ip-10-0-1-10 login:\s"""));
    }
}
