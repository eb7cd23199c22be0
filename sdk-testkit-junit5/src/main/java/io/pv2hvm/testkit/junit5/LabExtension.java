package io.pv2hvm.testkit.junit5;

import io.pv2hvm.testkit.lab.LabPrerequisites;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test whose prerequisites this machine lacks, or fails it when
 * {@code -Dpv2hvm.lab.required=true}. As an extension (through {@link RequiresLab}) it checks the
 * guest lab; {@link #assumeAvailable} checks any other list, such as
 * {@link io.pv2hvm.testkit.postgres.PrivatePostgres#missing()}.
 */
public final class LabExtension implements BeforeAllCallback, BeforeEachCallback {

    /** Used by JUnit through {@link RequiresLab}. */
    public LabExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        assumeAvailable("guest lab", LabPrerequisites.missing());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        assumeAvailable("guest lab", LabPrerequisites.missing());
    }

    /**
     * Returns when nothing is {@code missing}; otherwise aborts the calling test (a skip), or fails
     * it when the system property {@value LabPrerequisites#REQUIRED_PROPERTY} is {@code true}.
     *
     * @param what     what the prerequisites are for, e.g. "PostgreSQL test server"
     * @param missing  what this machine lacks, empty when it has everything
     */
    public static void assumeAvailable(String what, List<String> missing) {
        enforce(what, missing, Boolean.getBoolean(LabPrerequisites.REQUIRED_PROPERTY));
    }

    static void enforce(String what, List<String> missing, boolean required) {
        if (missing.isEmpty()) {
            return;
        }
        String message = what + " prerequisites missing: " + String.join(", ", missing);
        if (required) {
            throw new AssertionError(message + " (and -D" + LabPrerequisites.REQUIRED_PROPERTY
                    + "=true makes them mandatory)");
        }
        Assumptions.abort(message + "; skipping (set -D" + LabPrerequisites.REQUIRED_PROPERTY + "=true to fail instead)");
    }
}
