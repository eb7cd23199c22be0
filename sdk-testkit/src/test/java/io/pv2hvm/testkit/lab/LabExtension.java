package io.pv2hvm.testkit.lab;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The test-source twin of {@code io.pv2hvm.testkit.junit5.LabExtension} for the testkit's own lab
 * tests ({@link RequiresLab}): skips when the machine lacks what the lab needs, fails instead
 * when {@code -Dpv2hvm.lab.required=true}.
 */
final class LabExtension implements BeforeAllCallback, BeforeEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        enforce(LabPrerequisites.missing(), Boolean.getBoolean(LabPrerequisites.REQUIRED_PROPERTY));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        enforce(LabPrerequisites.missing(), Boolean.getBoolean(LabPrerequisites.REQUIRED_PROPERTY));
    }

    /** Skips (aborts) the test when something is missing, or fails it when the lab is {@code required}. */
    static void enforce(List<String> missing, boolean required) {
        if (missing.isEmpty()) {
            return;
        }
        String message = "guest lab prerequisites missing: " + String.join(", ", missing);
        if (required) {
            throw new AssertionError(message + " (and -D" + LabPrerequisites.REQUIRED_PROPERTY
                    + "=true makes the lab mandatory)");
        }
        Assumptions.abort(message + "; skipping (set -D" + LabPrerequisites.REQUIRED_PROPERTY + "=true to fail instead)");
    }
}
