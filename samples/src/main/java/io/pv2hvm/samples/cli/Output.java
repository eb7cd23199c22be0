package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;
import java.util.Locale;

/** JSON for {@code --output json} (and its old spelling {@code --json}): pretty, stable field order. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {
    }

    /** {@code value} (maps, lists, records of those) as pretty JSON. */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** {@code text} with control characters shown as {@code ?}, so text from a file cannot drive the terminal. */
    static String printable(String text) {
        return text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /** Whether {@code --output json} was given to {@code command} or a command above it (the option is inherited). */
    static boolean jsonRequested(CommandSpec command) {
        return setOnPath(command, "--output", OutputFormat.JSON);
    }

    /** Whether {@code --debug} was given to {@code command} or a command above it. */
    static boolean debugRequested(CommandSpec command) {
        return setOnPath(command, "--debug", Boolean.TRUE);
    }

    /**
     * Whether {@code args} ask for JSON output: for a command line picocli could not parse, where
     * the option may come after the error.
     */
    static boolean jsonRequested(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i).toLowerCase(Locale.ROOT);
            if (arg.equals("--output=json") || arg.equals("--output") && i + 1 < args.size()
                    && args.get(i + 1).equalsIgnoreCase("json")) {
                return true;
            }
        }
        return false;
    }

    /** Refuses {@code --output json} for a command whose output is not data ({@code why} says what it prints). */
    static void refuseJson(CommandSpec command, String why) {
        if (jsonRequested(command)) {
            throw new UsageException("'" + command.qualifiedName(" ") + "' "
                    + why + ", not JSON: run it without --output json.");
        }
    }

    /** Whether {@code command} or a command above it has option {@code name} set to {@code value} (inherited options). */
    private static boolean setOnPath(CommandSpec command, String name, Object value) {
        for (CommandSpec c = command; c != null; c = c.parent()) {
            OptionSpec option = c.findOption(name);
            if (option != null && value.equals(option.getValue())) {
                return true;
            }
        }
        return false;
    }
}
