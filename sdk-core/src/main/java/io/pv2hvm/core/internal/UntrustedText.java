package io.pv2hvm.core.internal;

/**
 * Makes text that came from a guest disk or a worker (os-release, file lines, labels, file names,
 * tool output) safe to print, log, journal or put into an exception: control characters (C0, DEL,
 * C1) and the Unicode bidirectional overrides are written out as {@code \xNN} / {@code \\uNNNN},
 * so a hostile guest cannot move a terminal's cursor, rewrite earlier log lines, forge a line of
 * its own or reorder what a reader sees.
 */
public final class UntrustedText {
    private UntrustedText() {
    }

    /** One line of text: every control character, line breaks and tabs included, is escaped. */
    public static String line(String text) {
        return escape(text, false);
    }

    /** Several lines: line breaks and tabs stay, every other control character is escaped. */
    public static String block(String text) {
        return escape(text, true);
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = (c < 0x20 && !(keepLines && (c == '\n' || c == '\t'))) || (c >= 0x7f && c <= 0x9f)
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f';
            if (unsafe && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (!unsafe) {
                    out.append(c);
                } else if (c <= 0xff) {
                    out.append(String.format("\\x%02x", (int) c));
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
