package io.pv2hvm.core.guest;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recipe a trial leaves for the one-command final round, and that command's refusals of bad arguments. */
class ConversionRecipeTest {
    private static final String FINGERPRINT = "a".repeat(64);

    @Test
    void encode_thenDecode_givesTheSameRecipeWithTheDeviceFilledIn() {
        ConversionRecipe recipe = new ConversionRecipe(ConversionStrategy.IN_PLACE, TargetPlatform.XEN_HVM, FINGERPRINT,
                "layout\twhole-disk\nfs\tdevice\t" + ConversionRecipe.PLACEHOLDER + "\nfile\t/etc/fstab\t/dev/xvda1 / ext4\n");

        ConversionRecipe read = ConversionRecipe.decode(recipe.encode());

        assertThat(read.strategy()).isEqualTo(ConversionStrategy.IN_PLACE);
        assertThat(read.target()).isEqualTo(TargetPlatform.XEN_HVM);
        assertThat(read.fingerprint()).isEqualTo(FINGERPRINT);
        assertThat(read.records("/dev/nvme1n1")).isEqualTo("layout\twhole-disk\nfs\tdevice\t/dev/nvme1n1\n"
                + "file\t/etc/fstab\t/dev/xvda1 / ext4\n");
    }

    @Test
    void decode_whenNotARecipe_saysWhatItExpected() {
        assertThatThrownBy(() -> ConversionRecipe.decode("IN_PLACE NITRO abc"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("recipe1 STRATEGY TARGET FINGERPRINT RECORDS");
        assertThatThrownBy(() -> ConversionRecipe.decode("recipe1 IN_PLACE NITRO " + FINGERPRINT + " not-base64!"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("Not a conversion recipe");
        assertThatThrownBy(() -> ConversionRecipe.simulated(ConversionStrategy.IN_PLACE, TargetPlatform.NITRO, "x;reboot"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("64 hex digits");
    }

    @Test
    void convertAsPlanned_refusesAMalformedJobListBeforeFindingOrTouchingAnyDevice() {
        String locate = "echo LOCATED >&2; echo /dev/null";
        List<WorkerScript> jobs = List.of(WorkerScript.INSPECT, WorkerScript.WRITE_FSTAB);

        CommandResult notInspectFirst = run(locate, jobs, List.of(FINGERPRINT, ConversionRecipe.PLACEHOLDER, "1", "vol-1",
                "write-fstab", "2", ConversionRecipe.PLACEHOLDER, "content"));
        CommandResult unknownJob = run(locate, jobs, List.of(FINGERPRINT, ConversionRecipe.PLACEHOLDER, "1", "vol-1",
                "inspect", "1", ConversionRecipe.PLACEHOLDER, "install-grub", "1", ConversionRecipe.PLACEHOLDER));
        CommandResult shortJob = run(locate, jobs, List.of(FINGERPRINT, ConversionRecipe.PLACEHOLDER, "1", "vol-1",
                "inspect", "3", ConversionRecipe.PLACEHOLDER));
        CommandResult badFingerprint = run(locate, jobs, List.of("abc;reboot", ConversionRecipe.PLACEHOLDER, "1", "vol-1",
                "inspect", "1", ConversionRecipe.PLACEHOLDER));

        assertThat(notInspectFirst.stderr()).contains("the first JOB must be inspect");
        assertThat(unknownJob.stderr()).contains("job install-grub is not part of this command");
        assertThat(shortJob.stderr()).contains("job inspect has fewer than 3 arguments");
        assertThat(badFingerprint.stderr()).contains("FINGERPRINT 'abc;reboot' is not valid");
        for (CommandResult r : List.of(notInspectFirst, unknownJob, shortJob, badFingerprint)) {
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.stderr()).as("refused before the lookup ran").doesNotContain("LOCATED");
            assertThat(r.stdout()).doesNotContain("DEVICE=");
        }
    }

    @Test
    void convertAsPlanned_refusesWhatTheLookupPrintsWhenItIsNotABlockDevice() {
        CommandResult r = run("echo /dev/null", List.of(WorkerScript.INSPECT), List.of(FINGERPRINT,
                ConversionRecipe.PLACEHOLDER, "1", "vol-1", "inspect", "1", ConversionRecipe.PLACEHOLDER));

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("DEVICE /dev/null is not a block device");
        assertThat(r.stdout()).doesNotContain("PLAN=");
    }

    private static CommandResult run(String locate, List<WorkerScript> jobs, List<String> args) {
        return LocalTransport.create().exec(WorkerScript.asPlanned(locate, jobs, args));
    }
}
