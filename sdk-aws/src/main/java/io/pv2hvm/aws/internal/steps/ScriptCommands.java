package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.core.spi.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Worker scripts shipped as resources, run as {@code bash -c <script> <name> <args...>}: the
 * arguments arrive as positional parameters, never spliced into the script text.
 */
final class ScriptCommands {
    private ScriptCommands() {
    }

    static Command of(String resource, String... args) {
        List<String> argv = new ArrayList<>(List.of("bash", "-c", load(resource), resource));
        argv.addAll(List.of(args));
        return Command.of(argv);
    }

    /** The text of the worker script {@code resource}, for a command that runs it inside another. */
    static String text(String resource) {
        return load(resource);
    }

    private static String load(String resource) {
        try (InputStream in = ScriptCommands.class.getResourceAsStream("/io/pv2hvm/aws/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing worker script " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
