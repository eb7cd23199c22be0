package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ResyncRefusedException;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.GuestChange;
import io.pv2hvm.core.guest.GuestConverter;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.guest.internal.ScriptOutput;
import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.transport.LocalTransport;
import io.pv2hvm.testkit.lab.QemuBoot.Disk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PARTITION_COPY's incremental final round on real loop devices: a PV fixture, holding data the
 * trial round copies, is converted; the source then changes (files added, modified, deleted, a
 * hard link, a symbolic link pointing out of the root, a sparse file, xattrs, an ACL, a device
 * node, an fstab entry, a directory where the target holds a link to a worker directory);
 * {@link GuestConverter#resync} brings the converted target to it. The
 * target then holds exactly the source's tree, except the files the conversion edits, which carry
 * the conversion's edits again; the boot loader is the same; what was written is of the order of
 * the change, not of the filesystem; the ext4 copy boots to the marker. And a target that is not
 * the converted copy of this source, or a source that cannot be read as it is, is refused with
 * nothing written.
 */
@RequiresLab
class ResyncLabTest {
    private static final long MIB = 1L << 20;
    /** Data the trial copies and the final round must not copy again. */
    private static final long UNCHANGED_MIB = 96;
    /**
     * Bytes of file data the source gains after the trial (the added file, the modification, the
     * file rewritten with its size and mtime kept, the sparse file's data).
     */
    private static final long CHANGED_BYTES = 2 * MIB + 64 * 1024 + 64 * 1024 + 4096;
    /**
     * What the conversion writes again on top of the change: GRUB2's modules (about 2.5 MiB on the
     * worker), core image, grub.cfg, fstab, the adapted guest files, and the filesystems' metadata
     * and journal. Measured: 3.3 MiB on ext4, 11.4 MiB on XFS (its log).
     */
    private static final long CONVERSION_ALLOWANCE = 16 * MIB;

    private static final String PREPARE_TRIAL_DATA = """
            mount "$1" "$2"
            mkdir -p "$2/srv"
            head -c %d /dev/urandom >"$2/srv/unchanged.bin"
            printf 'version 1\\n' >"$2/srv/modify.txt"
            printf 'going away\\n' >"$2/srv/delete.txt"
            head -c 65536 /dev/urandom >"$2/srv/same-size-same-mtime.bin"
            mkdir -p "$2/srv/old-dir/sub" && printf 'x\\n' >"$2/srv/old-dir/sub/file"
            umount "$2"
            """.formatted(UNCHANGED_MIB * MIB);

    private static final String CHANGE_SOURCE = """
            mount "$1" "$2"
            head -c %d /dev/urandom >"$2/srv/added.bin"
            head -c %d /dev/urandom >>"$2/srv/modify.txt"
            rm "$2/srv/delete.txt"
            # rewritten with the same size, its mtime set back (tar -x, cp -p, rsync -t, touch -r do this)
            before=$(stat -c '%%y %%s' "$2/srv/same-size-same-mtime.bin")
            head -c 65536 /dev/urandom | dd of="$2/srv/same-size-same-mtime.bin" bs=65536 conv=notrunc status=none
            touch -d "${before%% *}" "$2/srv/same-size-same-mtime.bin"
            [[ $(stat -c '%%y %%s' "$2/srv/same-size-same-mtime.bin") == "$before" ]]
            rm -r "$2/srv/old-dir"
            ln "$2/srv/added.bin" "$2/srv/added-hardlink.bin"
            ln -s /etc/passwd "$2/srv/escape-absolute"
            ln -s ../../../../../root "$2/srv/escape-relative"
            truncate -s 64M "$2/srv/sparse.bin"
            head -c 4096 /dev/urandom | dd of="$2/srv/sparse.bin" bs=4096 seek=4096 conv=notrunc status=none
            mknod "$2/srv/null-node" c 1 3
            mkdir "$2/srv/new-dir" && printf 'new\n' >"$2/srv/new-dir/file"
            chown 1234:5678 "$2/srv/added.bin"
            chmod 0640 "$2/srv/modify.txt"
            setfattr -n user.pv2hvm-test -v resynced "$2/srv/modify.txt"
            setfacl -m u:4321:rw "$2/srv/modify.txt"
            printf 'tmpfs /mnt/scratch tmpfs defaults 0 0\\n' >>"$2/etc/fstab"
            umount "$2"
            """.formatted(2 * MIB, 64 * 1024);

    /** A cut-off for the tests whose source did not change after the trial. */
    private static final Instant AN_HOUR_AGO = Instant.now().minusSeconds(3600);

    private final GuestLab lab = GuestLab.shared();
    private final LocalTransport local = LocalTransport.create();
    private final GuestConverter converter = GuestConverter.on(local).forTarget(TargetPlatform.NITRO);

    @ParameterizedTest(name = "{0}: resync copies what changed, keeps the conversion, writes of the order of the change")
    @EnumSource(names = {"EXT4", "XFS"})
    void resync_afterTheSourceChanged_targetEqualsSourceWithTheConversionsEdits(Fixture fixture) throws Exception {
        Path source = lab.copyOf(fixture, "resync-" + fixture + "-source.img");
        Path target = lab.scratch("resync-" + fixture + "-target.img");
        // XFS cannot shrink: its copy needs room for the label
        long targetSize = Files.size(source) + (fixture.fsType().equals("xfs") ? 64 * MIB : 0);
        bash("truncate -s \"$1\" \"$2\"", Long.toString(targetSize), target.toString());
        ConversionResult resynced;
        try (LoopDevice src = LoopDevice.attach(source); LoopDevice dst = LoopDevice.attach(target)) {
            withMountPoint(PREPARE_TRIAL_DATA, src.device());
            // the trial's cut-off, in whole seconds: after every change time the trial data got, before every
            // one the later changes get (the lab is one clock: no margin for the source's)
            Instant changedSince = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 2);
            sleepUntilAfter(changedSince);
            ConversionResult trial = converter.partitionCopy(src.device(), dst.device());
            // hostile: where the source now has a directory, the trial's copy has a link to a worker directory
            Path worker = Files.createTempDirectory("resync-worker-dir");
            withMountPoint("mount -o \"$3\" \"$1\" \"$2\"\nln -s \"$4\" \"$2/srv/new-dir\"\numount \"$2\"\n",
                    trial.rootDevice(), fixture.fsType().equals("xfs") ? "nouuid" : "defaults", worker.toString());
            byte[] bootAreaAfterTrial = firstMiB(dst.device());
            withMountPoint(CHANGE_SOURCE, src.device());
            String sourceHash = GuestLab.sha256(source);
            WriteMeter meter = WriteMeter.start(src.device(), dst.device());

            resynced = converter.resync(src.device(), dst.device(), changedSince);

            long written = meter.bytesWritten();
            System.out.printf("ResyncLabTest %s: %d bytes written for %d bytes changed (%d MiB unchanged data not copied)%n",
                    fixture, written, CHANGED_BYTES, UNCHANGED_MIB);
            // at least the change (the meter saw the copy), at most the change plus the conversion's few MiB,
            // far below the used filesystem (a full copy writes the 96 MiB of unchanged data and more)
            assertThat(written).isGreaterThanOrEqualTo(CHANGED_BYTES).isLessThan(CHANGED_BYTES + CONVERSION_ALLOWANCE);
            assertThat(resynced.warnings()).as("the change times were trusted: the ctime pass, not a comparison of every file")
                    .noneMatch(w -> w.contains("not trusted"));
            assertThat(GuestLab.sha256(source)).as("the source is only read").isEqualTo(sourceHash);
            try (Stream<Path> planted = Files.list(worker)) {
                assertThat(planted).as("nothing written through the target's link to a worker directory").isEmpty();
            }
            Files.delete(worker);
            assertThat(firstMiB(dst.device())).as("MBR boot code, partition table and GRUB's core image as the trial left them")
                    .isEqualTo(bootAreaAfterTrial);
            assertThat(Arrays.copyOf(bootAreaAfterTrial, 440)).as("GRUB2's boot code in the MBR")
                    .isEqualTo(Arrays.copyOf(Files.readAllBytes(Path.of("/usr/lib/grub/i386-pc/boot.img")), 440));
            assertSameTreeExceptTheConversionsEdits(fixture, src.device(), resynced);
        }
        if (fixture == Fixture.EXT4) {
            BootResult boot = lab.qemu().bios(target, Disk.NVME, "resync-" + fixture + "-nvme");
            assertThat(boot.marker()).as(boot.describe()).isPresent();
            BootMarker m = boot.marker().get();
            assertThat(m.root()).as(boot.describe()).isEqualTo("/dev/nvme0n1p1");
            assertThat(m.spec()).isEqualTo("UUID=" + resynced.rootUuid());
            assertThat(m.fstabOk()).as(boot.describe()).isTrue();
        }
        Files.deleteIfExists(target);
        Files.deleteIfExists(source);
    }

    /** How the source's clock was wrong. */
    enum SourceClock { AHEAD, BEHIND }

    @ParameterizedTest(name = "source clock {0}: resync compares every file's content, copies the stale file, writes only the change")
    @EnumSource(SourceClock.class)
    void resync_whenTheSourcesClockIsNotTrusted_comparesContent_andStillWritesOnlyTheChange(SourceClock clock) throws Exception {
        Path source = lab.copyOf(Fixture.EXT4, "resync-clock-" + clock + "-source.img");
        Path target = lab.scratch("resync-clock-" + clock + "-target.img");
        bash("truncate -s \"$1\" \"$2\"", Long.toString(Files.size(source)), target.toString());
        try (LoopDevice src = LoopDevice.attach(source); LoopDevice dst = LoopDevice.attach(target)) {
            withMountPoint(PREPARE_TRIAL_DATA, src.device());
            Instant trial = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 2);
            sleepUntilAfter(trial);
            converter.partitionCopy(src.device(), dst.device());
            withMountPoint(CHANGE_SOURCE, src.device());
            Instant changedSince;
            if (clock == SourceClock.AHEAD) {
                // a change time an hour after the worker's clock: the source's clock ran ahead once
                bash("debugfs -w -R \"set_inode_field /srv/unchanged.bin ctime @$2\" \"$1\" 2>/dev/null", src.device(),
                        Long.toString(Instant.now().plusSeconds(3600).getEpochSecond()));
                changedSince = trial;
            } else {
                // every change stamped before the cut-off: a source clock behind by more than the margin
                changedSince = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 2);
                sleepUntilAfter(changedSince);
            }
            WriteMeter meter = WriteMeter.start(src.device(), dst.device());

            ConversionResult resynced = converter.resync(src.device(), dst.device(), changedSince);

            long written = meter.bytesWritten();
            System.out.printf("ResyncLabTest clock %s: %d bytes written for %d bytes changed%n", clock, written, CHANGED_BYTES);
            assertThat(resynced.warnings()).anyMatch(w -> w.contains("not trusted") && w.contains("compared the content of every file"));
            assertThat(written).isGreaterThanOrEqualTo(CHANGED_BYTES).isLessThan(CHANGED_BYTES + CONVERSION_ALLOWANCE);
            assertSameTreeExceptTheConversionsEdits(Fixture.EXT4, src.device(), resynced);
        }
        Files.deleteIfExists(target);
        Files.deleteIfExists(source);
    }

    @Test
    void resync_whenTargetIsTheCopyOfAnotherSourceOrItsConversionNeverFinished_refusesAndWritesNothing_butResumesAnInterruptedOne() throws Exception {
        Path trialSource = lab.copyOf(Fixture.EXT4, "resync-other-trial-source.img");
        Path otherSource = lab.copyOf(Fixture.EXT4_OLD_EC2, "resync-other-source.img");
        Path target = lab.scratch("resync-other-target.img");
        bash("truncate -s \"$1\" \"$2\"", Long.toString(Files.size(trialSource)), target.toString());
        try (LoopDevice trial = LoopDevice.attach(trialSource); LoopDevice other = LoopDevice.attachReadOnly(otherSource);
             LoopDevice dst = LoopDevice.attach(target)) {
            converter.partitionCopy(trial.device(), dst.device());
            WriteMeter meter = WriteMeter.start(dst.device());

            assertThatThrownBy(() -> converter.resync(other.device(), dst.device(), AN_HOUR_AGO))
                    .isInstanceOf(ResyncRefusedException.class)
                    .hasMessageContaining("UUID").hasMessageContaining("not a copy of this source")
                    .hasMessageContaining("convert the target in full");

            assertThat(meter.bytesWritten()).as("nothing written to the target").isZero();

            // interrupted after the copy, before the conversion's jobs ran again: the copy holds the source's
            // own fstab and no kept original; a second resync is accepted and converts it
            String partition = ScriptOutput.value(local.exec(WorkerScript.RESYNC.command(trial.device(), dst.device(),
                            Long.toString(AN_HOUR_AGO.getEpochSecond())))
                    .orThrow("resync script alone").stdout(), "PARTITION").orElseThrow();
            assertThat(debugfsCat(partition, "/etc/fstab")).contains("/dev/xvda1").doesNotContain("UUID=");
            ConversionResult again = converter.resync(trial.device(), dst.device(), AN_HOUR_AGO);
            assertThat(debugfsCat(again.rootDevice(), "/etc/fstab")).contains("UUID=" + again.rootUuid());

            // a copy the conversion never finished: no GRUB2 boot code in the MBR yet
            bash("dd if=/dev/zero of=\"$1\" bs=440 count=1 conv=notrunc,fsync status=none", dst.device());
            WriteMeter unfinished = WriteMeter.start(trial.device(), dst.device());

            assertThatThrownBy(() -> converter.resync(trial.device(), dst.device(), AN_HOUR_AGO))
                    .isInstanceOf(ResyncRefusedException.class).hasMessageContaining("conversion never finished");

            assertThat(unfinished.bytesWritten()).as("nothing written to source or target").isZero();
        }
        Files.deleteIfExists(target);
        Files.deleteIfExists(otherSource);
        Files.deleteIfExists(trialSource);
    }

    @Test
    void resync_whenTargetWasNeverConverted_refusesAndWritesNothing() throws Exception {
        Path source = lab.copyOf(Fixture.EXT4, "resync-blank-source.img");
        Path target = lab.scratch("resync-blank-target.img");
        bash("truncate -s \"$1\" \"$2\"", Long.toString(Files.size(source)), target.toString());
        try (LoopDevice src = LoopDevice.attachReadOnly(source); LoopDevice dst = LoopDevice.attach(target)) {
            WriteMeter meter = WriteMeter.start(dst.device());

            assertThatThrownBy(() -> converter.resync(src.device(), dst.device(), AN_HOUR_AGO))
                    .isInstanceOf(ResyncRefusedException.class).hasMessageContaining("no msdos partition table");

            assertThat(meter.bytesWritten()).as("nothing written to the target").isZero();
        }
        Files.deleteIfExists(target);
        Files.deleteIfExists(source);
    }

    @Test
    void resync_whenSourceJournalNeedsRecovery_refusesAndWritesNothing() throws Exception {
        Path source = lab.copyOf(Fixture.EXT4, "resync-dirty-source.img");
        Path target = lab.scratch("resync-dirty-target.img");
        bash("truncate -s \"$1\" \"$2\"", Long.toString(Files.size(source)), target.toString());
        try (LoopDevice src = LoopDevice.attach(source); LoopDevice dst = LoopDevice.attach(target)) {
            // a source stopped without unmounting: a read-only view without the journal would miss writes;
            // the source is judged before the target, so this target need not be a converted copy
            bash("debugfs -w -R 'feature needs_recovery' \"$1\"", src.device());
            WriteMeter meter = WriteMeter.start(src.device(), dst.device());

            assertThatThrownBy(() -> converter.resync(src.device(), dst.device(), AN_HOUR_AGO))
                    .isInstanceOf(ResyncRefusedException.class).hasMessageContaining("journal needs recovery");

            assertThat(meter.bytesWritten()).as("nothing written to source or target").isZero();
        }
        Files.deleteIfExists(target);
        Files.deleteIfExists(source);
    }

    @Test
    void resync_whenSourceXfsLogNeedsRecovery_refusesAndWritesNothing() throws Exception {
        Path source = lab.copyOf(Fixture.XFS, "resync-dirty-xfs-source.img");
        Path target = lab.scratch("resync-dirty-xfs-target.img");
        bash("truncate -s \"$1\" \"$2\"", Long.toString(Files.size(source)), target.toString());
        try (LoopDevice src = LoopDevice.attach(source); LoopDevice dst = LoopDevice.attach(target)) {
            // a write, then a shutdown that leaves it in the log only: what a stop without unmounting leaves
            withMountPoint("mount \"$1\" \"$2\"\necho late >\"$2/late-write\"\nsync\n"
                    + "xfs_io -x -c 'shutdown -f' \"$2\"\numount \"$2\"\n", src.device());
            WriteMeter meter = WriteMeter.start(src.device(), dst.device());

            assertThatThrownBy(() -> converter.resync(src.device(), dst.device(), AN_HOUR_AGO))
                    .isInstanceOf(ResyncRefusedException.class).hasMessageContaining("without replaying its journal or log");

            assertThat(meter.bytesWritten()).as("nothing written to source or target").isZero();
        }
        Files.deleteIfExists(target);
        Files.deleteIfExists(source);
    }

    /**
     * Every path of the source is on the target with the same type, mode, owner, size, link count,
     * hard-link group, link text, modification time (files), content and extended attributes
     * (ACLs included), and nothing else is there; except what the conversion writes, which must
     * carry its edits, with the source's current original kept beside it.
     */
    private void assertSameTreeExceptTheConversionsEdits(Fixture fixture, String sourceDevice, ConversionResult result)
            throws IOException {
        Set<String> edited = result.changes().stream().map(GuestChange::path).collect(Collectors.toSet());
        assertThat(edited).contains("/etc/fstab", "/boot/grub/grub.cfg");
        Path srcMount = Files.createTempDirectory("resync-src");
        Path dstMount = Files.createTempDirectory("resync-dst");
        String opts = fixture.fsType().equals("xfs") ? "ro,nouuid,norecovery" : "ro,noload";
        bash("mount -o \"$1\" \"$2\" \"$3\"", opts, sourceDevice, srcMount.toString());
        try {
            bash("mount -o \"$1\" \"$2\" \"$3\"", opts, result.rootDevice(), dstMount.toString());
            try {
                Map<String, String> source = manifest(srcMount);
                Map<String, String> target = manifest(dstMount);
                assertThat(source).containsKeys("/srv/added.bin", "/srv/escape-absolute", "/srv/sparse.bin", "/srv/null-node",
                        "/srv/new-dir/file")
                        .doesNotContainKeys("/srv/delete.txt", "/srv/old-dir");
                assertThat(GuestLab.sha256(dstMount.resolve("srv/same-size-same-mtime.bin")))
                        .as("a file rewritten after the trial with its size and mtime kept is copied")
                        .isEqualTo(GuestLab.sha256(srcMount.resolve("srv/same-size-same-mtime.bin")));
                source.keySet().removeIf(p -> isConversions(p, edited));
                target.keySet().removeIf(p -> isConversions(p, edited));
                // directories the conversion made to hold its files (kernel hooks, its own notes)
                target.keySet().removeIf(p -> !source.containsKey(p) && edited.stream().anyMatch(e -> e.startsWith(p + "/")));
                assertThat(target).isEqualTo(source);

                String fstab = Files.readString(dstMount.resolve("etc/fstab"));
                assertThat(fstab).contains("UUID=" + result.rootUuid()).contains("/mnt/scratch").doesNotContain("/dev/xvda1");
                assertThat(Files.readString(dstMount.resolve("etc/fstab.pv2hvm-orig")))
                        .as("the original kept is the source's current fstab").isEqualTo(Files.readString(srcMount.resolve("etc/fstab")));
                assertThat(Files.readString(dstMount.resolve("boot/grub/grub.cfg")))
                        .contains("UUID=" + result.rootUuid()).contains("console=ttyS0");
                assertThat(Files.isSymbolicLink(dstMount.resolve("srv/escape-absolute"))).isTrue();
                assertThat(Files.readSymbolicLink(dstMount.resolve("srv/escape-absolute"))).isEqualTo(Path.of("/etc/passwd"));
                long sparseBlocks = Long.parseLong(bash("stat -c %b \"$1\"", dstMount.resolve("srv/sparse.bin").toString()).strip());
                assertThat(sparseBlocks * 512).as("the sparse file keeps its holes").isLessThan(MIB);
                assertThat(bash("stat -c %t:%T \"$1\"", dstMount.resolve("srv/null-node").toString()).strip()).isEqualTo("1:3");
            } finally {
                bash("umount \"$1\"", dstMount.toString());
            }
        } finally {
            bash("umount \"$1\"", srcMount.toString());
            Files.deleteIfExists(srcMount);
            Files.deleteIfExists(dstMount);
        }
    }

    /** A file the conversion writes, its kept original, GRUB's modules, or a directory (their times and sizes follow what is in them). */
    private static boolean isConversions(String path, Set<String> edited) {
        return edited.contains(path) || edited.contains(path.replaceFirst("\\.pv2hvm-orig$", ""))
                || path.startsWith("/boot/grub/i386-pc");
    }

    /**
     * Path (from the root, with a leading slash) to a description: type, mode, owner, size, link
     * count, hard-link group (the first path of the same inode), symbolic link text, mtime in
     * nanoseconds (files; whole seconds for links and nodes), SHA-256 (files), device numbers (nodes), extended attributes
     * (getfattr, ACLs included). Directories leave out time and size.
     */
    private Map<String, String> manifest(Path root) throws IOException {
        Map<String, String> xattrs = xattrs(root);
        Map<String, String> out = new TreeMap<>();
        Map<Object, String> firstOfInode = new HashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                String rel = "/" + root.relativize(p);
                if (rel.equals("/") || rel.startsWith("/lost+found")) {
                    continue;
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                int nlink = (Integer) a.get("nlink");
                String group = nlink > 1 ? firstOfInode.computeIfAbsent(a.get("ino"), k -> rel) : rel;
                StringBuilder d = new StringBuilder();
                d.append(Integer.toOctalString((Integer) a.get("mode"))).append(' ').append(a.get("uid")).append(':').append(a.get("gid"));
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Instant mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
                    // rsync sets a link's or a device node's time only when the whole seconds differ
                    // (seen with 3.5.0): one copied within the second it was made keeps the copy's
                    // sub-second time. Files keep theirs to the nanosecond.
                    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        mtime = mtime.truncatedTo(ChronoUnit.SECONDS);
                    }
                    d.append(" size=").append(a.get("size")).append(" links=").append(nlink).append(" group=").append(group)
                            .append(" mtime=").append(mtime);
                }
                if (Files.isSymbolicLink(p)) {
                    d.append(" -> ").append(Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    d.append(" sha256=").append(GuestLab.sha256(p));
                } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    d.append(" rdev=").append(a.get("rdev"));
                }
                d.append(' ').append(xattrs.getOrDefault(rel, ""));
                out.put(rel, d.toString());
            }
        }
        return out;
    }

    /** Each path's extended attributes (all namespaces, hex values), as getfattr dumps them without following links. */
    private Map<String, String> xattrs(Path root) {
        String dump = bash("cd \"$1\" && getfattr -R -P -h -d -m - -e hex . 2>/dev/null || true", root.toString());
        Map<String, String> out = new HashMap<>();
        String path = null;
        StringBuilder attrs = new StringBuilder();
        for (String line : (dump + "\n").split("\n")) {
            if (line.startsWith("# file: ")) {
                path = line.substring("# file: ".length()).replaceFirst("^\\.", "");
                attrs.setLength(0);
            } else if (line.isBlank() && path != null) {
                out.put(path.isEmpty() ? "/" : path, attrs.toString());
                path = null;
            } else if (path != null) {
                attrs.append(line).append(';');
            }
        }
        return out;
    }

    private String debugfsCat(String device, String file) {
        return bash("debugfs -R \"cat $2\" \"$1\" 2>/dev/null", device, file);
    }

    private static void sleepUntilAfter(Instant t) throws InterruptedException {
        while (!Instant.now().isAfter(t.plusSeconds(1))) {
            Thread.sleep(100);
        }
    }

    private byte[] firstMiB(String device) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(device))) {
            return in.readNBytes((int) MIB);
        }
    }

    /** Runs {@code script} with a fresh mount point as {@code $2} after {@code device} as {@code $1}, then {@code more}. */
    private void withMountPoint(String script, String device, String... more) throws IOException {
        Path dir = Files.createTempDirectory("resync-mnt");
        try {
            bash(script, Stream.concat(Stream.of(device, dir.toString()), Arrays.stream(more)).toArray(String[]::new));
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    private String bash(String script, String... args) {
        String[] argv = Stream.concat(Stream.of("-c", "set -euo pipefail\n" + script, "resync-lab"), Arrays.stream(args))
                .toArray(String[]::new);
        return local.exec(Command.of("bash", argv)).orThrow("bash: " + script.strip().lines().findFirst().orElse("")).stdout();
    }
}
