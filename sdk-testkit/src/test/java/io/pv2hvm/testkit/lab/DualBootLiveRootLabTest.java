package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.GuestConverter;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DUAL_BOOT's live mode on {@code /} itself, as on the running source: the jobs run with
 * {@code --live-root=/} in a process whose root is the guest's mounted filesystem (a private
 * mount namespace, a PID namespace, chroot), with a /dev holding only that filesystem's loop
 * device and a few character devices, so nothing of this machine's root is reachable. The same
 * image is prepared through a mount point too (DualBootLabTest's case, whose boots prove the
 * result boots PV and HVM); the {@code /} case must find the device of {@code /}, write extlinux
 * into that device's boot sector, and change exactly the paths the mount-point case changes.
 * No QEMU boot.
 */
@RequiresLab
class DualBootLiveRootLabTest {
    private static final LocalTransport LOCAL = LocalTransport.create();
    /**
     * Runs inside the new namespaces: mounts a /proc of its own PID namespace, a read-only /sys, a
     * /dev with just the guest's device and null, zero, full, random, urandom, and tmpfs on /tmp and
     * /run (as a running source has), then makes the guest the root and runs the job there.
     */
    private static final String JAIL = """
            set -euo pipefail
            root=$1 dev=$2; shift 2
            [[ $dev =~ ^/dev/loop[0-9]+$ ]] || { echo "not a loop device: $dev" >&2; exit 2; }
            mountpoint -q "$root" || { echo "$root is not a mount point" >&2; exit 2; }
            mount -t proc proc "$root/proc"
            mount -t sysfs -o ro sysfs "$root/sys"
            mount -t tmpfs -o mode=0755,size=1m pv2hvm-test-dev "$root/dev"
            for n in null zero full random urandom "${dev#/dev/}"; do : >"$root/dev/$n"; mount --bind "/dev/$n" "$root/dev/$n"; done
            mount -t tmpfs -o size=64m pv2hvm-test-tmp "$root/tmp"
            mount -t tmpfs -o size=16m pv2hvm-test-run "$root/run"
            cd "$root"
            exec chroot "$root" "$@"
            """;
    private final GuestLab lab = GuestLab.shared();

    @Test
    void dualBoot_onSlashItself_findsItsDevice_writesItsBootSector_andChangesWhatTheMountPointCaseChanges() throws Exception {
        Path viaMountPoint = lab.copyOf(Fixture.DEBIAN_WITHOUT_NVME, "live-root-mount-point.img");
        Path viaSlash = lab.copyOf(Fixture.DEBIAN_WITHOUT_NVME, "live-root-slash.img");
        Path mnt = Files.createTempDirectory(Files.createDirectories(lab.workDir()), "live-root");
        String hostFstab = Files.readString(Path.of("/etc/fstab"));
        try {
            // the source has extlinux installed (apt-get install extlinux); the lab's minbase guest has not
            for (Path image : List.of(viaMountPoint, viaSlash)) {
                onMounted(image, mnt, device -> LOCAL.exec(Command.of("cp", "-p", "/usr/bin/extlinux",
                        mnt.resolve("usr/bin/extlinux").toString())).orThrow("install extlinux in the guest"));
            }
            byte[] bootSectorBefore = firstSector(viaSlash);
            Map<String, String> slashBefore = tree(viaSlash, mnt);
            Map<String, String> mountPointBefore = tree(viaMountPoint, mnt);
            assertThat(slashBefore).isEqualTo(mountPointBefore);

            ConversionResult[] results = new ConversionResult[2];
            String[] slashDevice = new String[1];
            onMounted(viaMountPoint, mnt, device ->
                    results[0] = GuestConverter.on(LOCAL).forTarget(TargetPlatform.NITRO).dualBoot(mnt.toString()));
            onMounted(viaSlash, mnt, device -> {
                slashDevice[0] = device;
                JailedRoot jail = new JailedRoot(mnt, device);
                results[1] = GuestConverter.on(jail).forTarget(TargetPlatform.NITRO).dualBoot("/");
                assertThat(jail.commands).as("every job ran with the live root /")
                        .allSatisfy(argv -> assertThat(argv).contains("--live-root=/"));
                assertThat(jail.commands).anySatisfy(argv -> assertThat(argv).contains("pv2hvm-install-extlinux"));
            });
            ConversionResult mountPoint = results[0];
            ConversionResult slash = results[1];

            assertThat(slash.strategy()).isEqualTo(ConversionStrategy.DUAL_BOOT);
            assertThat(slash.rootDevice()).as("the device of / found from inside").isEqualTo(slashDevice[0]);
            assertThat(slash.rootUuid()).isEqualTo(mountPoint.rootUuid());
            assertThat(slash.driversAdded()).containsExactlyInAnyOrderElementsOf(mountPoint.driversAdded())
                    .contains("nvme");
            assertThat(slash.changes()).isEqualTo(mountPoint.changes());

            byte[] bootSector = firstSector(viaSlash);
            assertThat(bootSector).as("extlinux's boot sector in the device of /").isNotEqualTo(bootSectorBefore);
            assertThat(bootSector[510] & 0xff).isEqualTo(0x55);
            assertThat(bootSector[511] & 0xff).isEqualTo(0xaa);
            assertThat(new String(bootSector, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("LINUX");

            Map<String, String> slashAfter = tree(viaSlash, mnt);
            Map<String, String> mountPointAfter = tree(viaMountPoint, mnt);
            Set<String> changedViaSlash = changed(slashBefore, slashAfter);
            Set<String> changedViaMountPoint = changed(mountPointBefore, mountPointAfter);
            assertThat(changedViaSlash).as("paths changed through / vs through a mount point")
                    .isEqualTo(changedViaMountPoint)
                    .contains("./etc/fstab", "./etc/fstab.pv2hvm-orig", "./boot/extlinux/extlinux.conf")
                    .doesNotContain("./boot/grub/menu.lst");
            for (String text : List.of("./etc/fstab", "./etc/fstab.pv2hvm-orig", "./boot/extlinux/extlinux.conf",
                    "./boot/grub/menu.lst")) {
                assertThat(slashAfter.get(text)).as(text).isEqualTo(mountPointAfter.get(text));
            }
            assertThat(Files.readString(Path.of("/etc/fstab"))).as("this machine's fstab").isEqualTo(hostFstab);
            assertThat(Path.of("/etc/fstab.pv2hvm-orig")).doesNotExist();
        } finally {
            Files.deleteIfExists(mnt);
            Files.deleteIfExists(viaMountPoint);
            Files.deleteIfExists(viaSlash);
        }
    }

    /** Runs {@code body} (given the loop device) while {@code image} is mounted read-write at {@code mnt}. */
    private static void onMounted(Path image, Path mnt, ThrowingConsumer body) throws Exception {
        try (LoopDevice loop = LoopDevice.attach(image)) {
            LOCAL.exec(Command.of("mount", "-o", "rw", loop.device(), mnt.toString())).orThrow("mount " + image);
            try {
                body.accept(loop.device());
            } finally {
                LOCAL.exec(Command.of("umount", mnt.toString())).orThrow("umount " + mnt);
            }
            awaitUnmountedEverywhere(loop.device());
        }
    }

    /** Every path of the guest's filesystem: a file's SHA-256, a link's target, or "dir". */
    private static Map<String, String> tree(Path image, Path mnt) throws Exception {
        Map<String, String> tree = new HashMap<>();
        onMounted(image, mnt, device -> {
            String script = "cd \"$1\" && find . -xdev -type d -printf '%p\\tdir\\n'"
                    + " && find . -xdev -type l -printf '%p\\t-> %l\\n'"
                    + " && find . -xdev -type f -print0 | xargs -0 -r sha256sum | sed -E 's/^([0-9a-f]+)  (.*)$/\\2\\t\\1/'";
            String out = LOCAL.exec(Command.of("bash", "-c", script, "tree", mnt.toString())).orThrow("list " + image).stdout();
            for (String line : out.split("\n")) {
                int tab = line.lastIndexOf('\t');
                if (tab > 0) {
                    tree.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        });
        assertThat(tree).containsKey("./etc/fstab");
        return tree;
    }

    private static Set<String> changed(Map<String, String> before, Map<String, String> after) {
        Set<String> changed = new TreeSet<>();
        after.forEach((path, what) -> {
            if (!what.equals(before.get(path))) {
                changed.add(path);
            }
        });
        before.keySet().stream().filter(p -> !after.containsKey(p)).forEach(changed::add);
        return changed;
    }

    private static byte[] firstSector(Path image) throws Exception {
        byte[] sector = new byte[512];
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "r")) {
            f.readFully(sector);
        }
        return sector;
    }

    private static void awaitUnmountedEverywhere(String device) throws Exception {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        while (LOCAL.exec(Command.of("bash", "-c", "grep -qs \" - [^ ]* $1 \" /proc/[0-9]*/mountinfo", "in-use", device))
                .exitCode() == 0) {
            if (System.nanoTime() > until) {
                throw new AssertionError(device + " is still mounted in some mount namespace a minute after its umount");
            }
            Thread.sleep(100);
        }
    }

    @FunctionalInterface
    private interface ThrowingConsumer {
        void accept(String device) throws Exception;
    }

    /** This machine's commands, each run with the guest mounted at {@code root} as its root (see {@link #JAIL}). */
    private static final class JailedRoot implements CommandTransport {
        private final Path root;
        private final String device;
        final List<List<String>> commands = new ArrayList<>();

        JailedRoot(Path root, String device) {
            this.root = root;
            this.device = device;
        }

        @Override
        public CommandResult exec(Command command, Consumer<OutputLine> output) {
            commands.add(command.argv());
            List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--propagation", "private",
                    "bash", "-c", JAIL, "pv2hvm-test-jail", root.toString(), device));
            argv.addAll(command.argv());
            Command jailed = Command.of(argv).withTimeout(command.timeout()).withEnvironment(command.environment());
            return LOCAL.exec(command.idempotent() ? jailed : jailed.notIdempotent(), output);
        }

        @Override
        public void upload(byte[] content, String remotePath, int mode) {
            throw new UnsupportedOperationException("the live jobs upload nothing");
        }

        @Override
        public String describe() {
            return "the guest at " + root + " as its own root";
        }
    }
}
