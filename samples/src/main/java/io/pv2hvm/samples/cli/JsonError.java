package io.pv2hvm.samples.cli;

import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.JournalLockedException;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.StepFailedException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A failed command's error as one JSON document on stderr, for {@code --output json}:
 * {@code {"error":{"code":"...","message":"...", ...}}}. The exit code is the same as in text.
 *
 * <p>{@code code} is AWS's error code where AWS refused (e.g. {@code UnauthorizedOperation}), else
 * one of {@code UsageError}, {@code PreflightBlocked} (with {@code blockers}), {@code MigrationFailed}
 * (with {@code migrationId}, {@code step}, {@code rolledBack}, {@code notRolledBack}),
 * {@code JournalLocked}, {@code NoCredentials}, {@code SSOSessionExpired},
 * {@code EndpointConnectionError}, {@code Stopped}, {@code Failed}. {@code message} is the text
 * the text output says after {@code error:}; {@code cause} (the stack trace) only with {@code --debug}.
 */
final class JsonError {
    private JsonError() {
    }

    /** Bad usage: an unknown option, a missing value, a refused combination. */
    static String usage(String message) {
        return document(fields("UsageError", message));
    }

    /** A command stopped by a signal; what state things are in was said above. */
    static String stopped(int exitCode) {
        Map<String, Object> error = fields("Stopped", "Stopped by " + (exitCode == 143 ? "SIGTERM" : "SIGINT")
                + "; the lines above say what state things are in.");
        return document(error);
    }

    /** {@code failure}, which ended a command whose AWS calls went to {@code target}. */
    static String of(Throwable failure, SetupErrors.Target target, boolean debug) {
        java.util.Optional<SetupErrors.Explanation> setup = SetupErrors.explanation(failure, target);
        String message = setup.map(SetupErrors.Explanation::text).orElse(
                failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
        Map<String, Object> error = fields(code(failure, setup.map(SetupErrors.Explanation::code).orElse(null)), message);
        if (failure instanceof PreflightException p) {
            List<Map<String, String>> blockers = p.blockers().stream().map(JsonError::blocker).toList();
            error.put("blockers", blockers);
        }
        if (failure instanceof StepFailedException f) {
            error.put("migrationId", f.migrationId());
            error.put("step", f.step());
            error.put("rolledBack", f.rolledBack());
            error.put("notRolledBack", f.notRolledBack());
        }
        if (debug) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            error.put("cause", trace.toString());
        }
        return document(error);
    }

    private static String code(Throwable failure, String setupCode) {
        if (failure instanceof UsageException || failure instanceof InvalidSpecException) {
            return "UsageError";
        }
        if (failure instanceof PreflightException) {
            return "PreflightBlocked";
        }
        if (failure instanceof JournalLockedException) {
            return "JournalLocked";
        }
        if (setupCode != null) {
            return setupCode;
        }
        return failure instanceof StepFailedException ? "MigrationFailed" : "Failed";
    }

    private static Map<String, String> blocker(Blocker b) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("code", b.code());
        m.put("reason", b.reason());
        m.put("fix", b.fix());
        return m;
    }

    private static Map<String, Object> fields(String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        return error;
    }

    private static String document(Map<String, Object> error) {
        return Output.json(Map.of("error", error));
    }
}
