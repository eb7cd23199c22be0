package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionRecipe;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.DeviceLookup;
import io.pv2hvm.core.guest.GuestConverter;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * IN_PLACE's final round in one worker command ({@link GuestConverter#inPlaceAsPlanned}), on real
 * loop devices: with the recipe of a trial conversion of a copy of the same image, it converts as
 * the separate jobs do; on a guest changed since (or converted already: a resend) it writes nothing,
 * and the separate path then refuses or converts as without a recipe. No boot: the converted
 * image is compared, file by file and boot sector, with the separate path's, which
 * GuestConversionLabTest boots.
 */
@RequiresLab
class PlannedInPlaceLabTest {
    private static final List<String> GUEST_FILES = List.of("/etc/fstab", "/etc/fstab.pv2hvm-orig",
            "/boot/extlinux/extlinux.conf", "/etc/inittab", "/etc/pv2hvm/boot.env", "/etc/pv2hvm/boot.template");

    private final GuestLab lab = GuestLab.shared();
    private final LocalTransport local = LocalTransport.create();

    @Test
    void asPlanned_onTheTrialsGuest_convertsInOneCommandAsTheSeparateJobsDo() throws Exception {
        ConversionRecipe recipe = trialRecipe("planned-trial.img");
        Path separate = lab.copyOf(Fixture.EXT4, "planned-separate.img");
        Path fused = lab.copyOf(Fixture.EXT4, "planned-fused.img");
        RecordingTransport recording = new RecordingTransport();

        ConversionResult expected = onLoop(separate, dev -> converter(local).inPlace(dev));
        Optional<ConversionResult> result = onLoop(fused, dev -> converter(recording)
                .inPlaceAsPlanned(DeviceLookup.at(dev), recipe));

        assertThat(recording.jobs()).containsExactly("pv2hvm-convert-as-planned");
        assertThat(result).isPresent();
        ConversionResult got = result.get();
        assertThat(got.changes()).isEqualTo(expected.changes());
        assertThat(got.warnings()).isEqualTo(expected.warnings());
        assertThat(got.driversAdded()).isEqualTo(expected.driversAdded());
        assertThat(List.of(got.rootUuid(), got.kernel())).isEqualTo(List.of(expected.rootUuid(), expected.kernel()));
        for (String file : GUEST_FILES) {
            assertThat(debugfsCat(fused, file)).as(file).isEqualTo(debugfsCat(separate, file));
        }
        assertThat(debugfsCat(fused, "/etc/fstab")).contains("UUID=" + got.rootUuid());
        assertThat(bootSector(fused)).as("extlinux's boot sector").isEqualTo(bootSector(separate));
        assertThat(debugfsStat(fused, "/boot/extlinux/ldlinux.sys")).contains("Size:");

        // a resend (the answer was lost): the converted guest has another fingerprint, so nothing is written again
        String converted = GuestLab.sha256(fused);
        Optional<ConversionResult> resent = onLoop(fused, dev -> converter(local).inPlaceAsPlanned(DeviceLookup.at(dev), recipe));
        assertThat(resent).isEmpty();
        assertThat(GuestLab.sha256(fused)).isEqualTo(converted);
        // and the separate path that follows leaves it as converted once (the jobs are idempotent)
        onLoop(fused, dev -> converter(local).inPlace(dev));
        for (String file : GUEST_FILES) {
            assertThat(debugfsCat(fused, file)).as(file + " after the resend").isEqualTo(debugfsCat(separate, file));
        }
        Files.deleteIfExists(separate);
        Files.deleteIfExists(fused);
    }

    @Test
    void asPlanned_whenFstabChangedSinceTheTrial_writesNothingAndTheSeparatePathConverts() throws Exception {
        ConversionRecipe recipe = trialRecipe("planned-trial-2.img");
        Path changed = lab.copyOf(Fixture.EXT4, "planned-changed-fstab.img");
        inGuest(changed, "echo 'tmpfs /scratch tmpfs defaults 0 0' >> \"$m/etc/fstab\"");
        String before = GuestLab.sha256(changed);

        Optional<ConversionResult> fused = onLoop(changed, dev -> converter(local).inPlaceAsPlanned(DeviceLookup.at(dev), recipe));

        assertThat(fused).isEmpty();
        assertThat(GuestLab.sha256(changed)).as("nothing written").isEqualTo(before);
        ConversionResult fallback = onLoop(changed, dev -> {
            converter(local).check(ConversionStrategy.IN_PLACE, dev);
            return converter(local).inPlace(dev);
        });
        assertThat(debugfsCat(changed, "/etc/fstab")).contains("UUID=" + fallback.rootUuid()).contains("/scratch");
        Files.deleteIfExists(changed);
    }

    @Test
    void asPlanned_whenTheKernelBecamePvOnly_writesNothingAndTheCheckRefuses() throws Exception {
        ConversionRecipe recipe = trialRecipe("planned-trial-3.img");
        Path changed = lab.copyOf(Fixture.EXT4, "planned-changed-kernel.img");
        inGuest(changed, "for c in \"$m\"/boot/config-*; do echo CONFIG_X86_64_XEN=y >> \"$c\"; done");
        String before = GuestLab.sha256(changed);

        Optional<ConversionResult> fused = onLoop(changed, dev -> converter(local).inPlaceAsPlanned(DeviceLookup.at(dev), recipe));

        assertThat(fused).isEmpty();
        assertThat(GuestLab.sha256(changed)).as("nothing written").isEqualTo(before);
        assertThatThrownBy(() -> onLoop(changed, dev -> converter(local).check(ConversionStrategy.IN_PLACE, dev)))
                .isInstanceOf(GuestIncompatibleException.class);
        assertThat(GuestLab.sha256(changed)).as("nothing written by the check").isEqualTo(before);
        Files.deleteIfExists(changed);
    }

    @Test
    void fingerprint_ofACrashConsistentSnapshotsCopy_equalsTheCleanlyStoppedRootsOne() throws Exception {
        // the trial converts a snapshot of the running source (its journal needs recovery); the final round the stopped root
        Path stopped = lab.copyOf(Fixture.EXT4, "fingerprint-stopped.img");
        Path snapshotted = lab.copyOf(Fixture.EXT4, "fingerprint-snapshotted.img");
        local.exec(Command.of("debugfs", "-w", "-R", "feature needs_recovery", snapshotted.toString())).orThrow("debugfs");

        String clean = onLoop(stopped, this::inspectRecords);
        String dirty = onLoop(snapshotted, this::inspectRecords);

        assertThat(dirty).as("the records differ").contains("fs\tfeature\tneeds_recovery");
        assertThat(clean).doesNotContain("needs_recovery");
        assertThat(fingerprint(dirty)).matches("[0-9a-f]{64}").isEqualTo(fingerprint(clean));
        Files.deleteIfExists(stopped);
        Files.deleteIfExists(snapshotted);
    }

    private String inspectRecords(String dev) {
        List<String> args = new java.util.ArrayList<>(List.of(dev));
        args.addAll(TargetPlatform.KNOWN_DRIVERS);
        return local.exec(io.pv2hvm.core.guest.internal.WorkerScript.INSPECT.command(args)).orThrow("inspect").stdout();
    }

    private static String fingerprint(String records) {
        return records.lines().filter(l -> l.startsWith("fingerprint\t")).map(l -> l.substring(12)).findFirst().orElseThrow();
    }

    /** The recipe a trial conversion of a copy of the EXT4 fixture leaves. */
    private ConversionRecipe trialRecipe(String name) throws Exception {
        Path trial = lab.copyOf(Fixture.EXT4, name);
        ConversionResult result = onLoop(trial, dev -> converter(local).inPlace(dev));
        Files.deleteIfExists(trial);
        return result.recipe().orElseThrow();
    }

    private static GuestConverter converter(io.pv2hvm.core.spi.CommandTransport transport) {
        return GuestConverter.on(transport).forTarget(TargetPlatform.NITRO);
    }

    private <T> T onLoop(Path image, Function<String, T> use) {
        String dev = local.exec(Command.of("losetup", "-f", "--show", image.toString())).orThrow("losetup").stdout().strip();
        try {
            return use.apply(dev);
        } finally {
            local.exec(Command.of("losetup", "-d", dev)).orThrow("losetup -d");
        }
    }

    /** Runs {@code script} with the image's filesystem mounted read-write at {@code $m}. */
    private void inGuest(Path image, String script) {
        local.exec(Command.bash("set -euo pipefail; m=$(mktemp -d); mount -o loop " + Command.quote(image.toString())
                + " \"$m\"; trap 'umount \"$m\"; rmdir \"$m\"' EXIT; " + script).withTimeout(java.time.Duration.ofMinutes(1)))
                .orThrow("changing the guest");
    }

    private String debugfsCat(Path image, String file) {
        return local.exec(Command.of("debugfs", "-R", "cat " + file, image.toString())).orThrow("debugfs cat " + file).stdout();
    }

    private String debugfsStat(Path image, String file) {
        return local.exec(Command.of("debugfs", "-R", "stat " + file, image.toString())).orThrow("debugfs stat " + file).stdout();
    }

    private static String bootSector(Path image) throws Exception {
        try (var in = Files.newInputStream(image)) {
            return java.util.HexFormat.of().formatHex(in.readNBytes(1024));
        }
    }
}
