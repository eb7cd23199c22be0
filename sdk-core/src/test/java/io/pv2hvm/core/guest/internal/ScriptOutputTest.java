package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.CommandFailedException;
import io.pv2hvm.core.ResyncRefusedException;
import io.pv2hvm.core.UnsafeGuestException;
import io.pv2hvm.core.spi.CommandResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

class ScriptOutputTest {

    @Test
    void orThrow_whenTheScriptRefusedGuestContent_throwsUnsafeGuestExceptionWithPathAndWhatWasFound() {
        CommandResult r = failed("PV2HVM-REFUSED\t/boot/grub/menu.lst\ta path leading out of the guest's root\n"
                + "pv2hvm (pv2hvm-inspect): refusing: guest path /boot/grub/menu.lst leads out of the guest's root ('..' above /)\n");

        assertThatThrownBy(() -> ScriptOutput.orThrow(r, "Inspecting /dev/xvdf"))
                .asInstanceOf(type(UnsafeGuestException.class))
                .satisfies(e -> {
                    assertThat(e.guestPath()).isEqualTo("/boot/grub/menu.lst");
                    assertThat(e.found()).isEqualTo("a path leading out of the guest's root");
                    assertThat(e.getMessage()).contains("Inspecting /dev/xvdf", "leads out of the guest's root", "Fix that path");
                });
    }

    @Test
    void orThrow_whenTheRefusalCarriesControlCharacters_escapesThemInEveryPart() {
        CommandResult r = failed("PV2HVM-REFUSED\t/etc/\u001b[2Jx\ta block special file\u0007\n"
                + "pv2hvm (pv2hvm-adapt-guest): refusing: /etc/\u001b[2Jx in the guest is a block special file\n");

        assertThatThrownBy(() -> ScriptOutput.orThrow(r, "Adapting"))
                .asInstanceOf(type(UnsafeGuestException.class))
                .satisfies(e -> {
                    assertThat(e.guestPath()).isEqualTo("/etc/\\x1b[2Jx");
                    assertThat(e.found()).isEqualTo("a block special file\\x07");
                    assertThat(e.getMessage()).doesNotContain("\u001b", "\u0007");
                });
    }

    @Test
    void orThrow_whenAnOrdinaryFailure_throwsCommandFailedWithEscapedStderr() {
        CommandResult r = failed("mount: wrong fs type\u001b[31m\n");

        assertThatThrownBy(() -> ScriptOutput.orThrow(r, "Inspecting /dev/xvdf"))
                .isExactlyInstanceOf(CommandFailedException.class)
                .hasMessageContaining("wrong fs type\\x1b[31m")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"));
    }

    @Test
    void orThrow_whenResyncFoundItsTargetUnfit_throwsResyncRefusedSayingToConvertInFull() {
        CommandResult r = failed("PV2HVM-NOT-RESYNCABLE\tpartition 1 of /dev/xvdg holds filesystem UUID 'a\u001b', the source"
                + " /dev/xvdf 'b': it is not a copy of this source\npv2hvm (pv2hvm-resync): partition 1 of /dev/xvdg ...\n");

        assertThatThrownBy(() -> ScriptOutput.orThrow(r, "Copying what changed on /dev/xvdf"))
                .isExactlyInstanceOf(ResyncRefusedException.class)
                .hasMessageContaining("Copying what changed on /dev/xvdf: partition 1 of /dev/xvdg holds filesystem UUID 'a\\x1b'")
                .hasMessageContaining("Nothing was written; convert the target in full (PARTITION_COPY) instead.")
                .satisfies(e -> assertThat(((ResyncRefusedException) e).retryable()).isFalse());
    }

    @Test
    void value_escapesControlCharactersInTheValue() {
        assertThat(ScriptOutput.value("LOOP=/dev/loop3\u001b[A\n", "LOOP")).contains("/dev/loop3\\x1b[A");
    }

    private static CommandResult failed(String stderr) {
        return new CommandResult(1, "", stderr, Duration.ZERO, false);
    }
}
