package io.pv2hvm.core.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UntrustedTextTest {

    @Test
    void line_whenTerminalEscapesAndLineBreaks_writesThemOutAsText() {
        // a clear-screen, a cursor move, a forged second log line and a bidi override, as a guest could name itself
        String hostile = "Debian\u001b[2J\u001b[1;1HOK\r\nFAKE LOG LINE\t\u202eevil\u0085\u007f";

        String clean = UntrustedText.line(hostile);

        assertThat(clean).isEqualTo("Debian\\x1b[2J\\x1b[1;1HOK\\x0d\\x0aFAKE LOG LINE\\x09\\u202eevil\\x85\\x7f");
        assertThat(clean.chars()).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x202e);
    }

    @Test
    void block_keepsLineBreaksAndTabsButEscapesEveryOtherControl() {
        assertThat(UntrustedText.block("line one\n\tline two\u001b]0;title\u0007"))
                .isEqualTo("line one\n\tline two\\x1b]0;title\\x07");
    }

    @Test
    void line_whenPlainTextOrNull_returnsItUnchanged() {
        String plain = "Debian GNU/Linux 12 (bookworm) é ü 日本";
        assertThat(UntrustedText.line(plain)).isSameAs(plain);
        assertThat(UntrustedText.line(null)).isNull();
    }
}
