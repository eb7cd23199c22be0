package io.pv2hvm.core.guest;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestConverterTest {
    /** Records every command; none should be sent for bad input. */
    private static final class Recording implements CommandTransport {
        final List<Command> sent = new ArrayList<>();

        @Override
        public CommandResult exec(Command command, Consumer<OutputLine> output) {
            sent.add(command);
            throw new AssertionError("no command expected, got " + command.argv());
        }

        @Override
        public void upload(byte[] content, String remotePath, int mode) {
            throw new AssertionError("no upload expected");
        }

        @Override
        public String describe() {
            return "recording";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void withDataVolumes_whenIdentifierIsNotUuidOrLabel_refusesBeforeAnyCommand() {
        Recording transport = new Recording();

        assertThatThrownBy(() -> GuestConverter.on(transport).withDataVolumes(Map.of("/dev/xvdf", "UUID=$(reboot)")))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("UUID=<uuid> or LABEL=<label>");
        assertThatThrownBy(() -> GuestConverter.on(transport).withDataVolumes(Map.of("/dev/../etc/passwd", "LABEL=data")))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("not a device path");
        assertThat(transport.sent).isEmpty();
    }

    @Test
    void resync_whenADeviceIsMalformedOrTheTargetIsTheSource_refusesBeforeAnyCommand() {
        Recording transport = new Recording();
        GuestConverter converter = GuestConverter.on(transport);

        Instant cutoff = Instant.parse("2026-12-05T19:50:00Z");
        assertThatThrownBy(() -> converter.resync("/dev/xvdf", "/dev/xvdf", cutoff))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("trial's target volume");
        assertThatThrownBy(() -> converter.resync("/dev/xvdf", "/dev/xvdg;reboot", cutoff))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("not a device path");
        assertThatThrownBy(() -> converter.resync("xvdf", "/dev/xvdg", cutoff))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("not a device path");
        assertThatThrownBy(() -> converter.resync("/dev/xvdf", "/dev/xvdg", null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("changedSince");
        assertThatThrownBy(() -> converter.resync("/dev/xvdf", "/dev/xvdg", Instant.EPOCH))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("not the start of a trial snapshot");
        assertThat(transport.sent).isEmpty();
    }

    @Test
    void withDataVolumes_whenWellFormed_returnsAConverterAndSendsNothing() {
        Recording transport = new Recording();

        assertThat(GuestConverter.on(transport).withDataVolumes(Map.of("/dev/xvdf", "UUID=0a1b2c3d-0000-1111-2222-333344445555",
                "/dev/xvdg", "LABEL=logs")).keepingCloudInitInstance(false)).isNotNull();
        assertThat(transport.sent).isEmpty();
    }
}
