package io.pv2hvm.samples.cli;

import picocli.CommandLine.Help.Ansi;

import java.util.Map;

/**
 * Whether the CLI colours its help and error text. Only on a terminal, never for {@code TERM=dumb},
 * and never when {@code NO_COLOR} is set to a non-empty value (https://no-color.org: "when present
 * and not an empty string (regardless of its value), prevents the addition of ANSI color").
 */
final class Colors {
    private Colors() {
    }

    /** Picocli's colouring for the environment {@code env}, on a terminal or not. */
    static Ansi ansi(Map<String, String> env, boolean terminal) {
        String noColor = env.get("NO_COLOR");
        if (noColor != null && !noColor.isEmpty()) {
            return Ansi.OFF;
        }
        return terminal && !"dumb".equals(env.get("TERM")) ? Ansi.ON : Ansi.OFF;
    }
}
