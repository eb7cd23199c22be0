package io.pv2hvm.samples.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Prints the least-privilege IAM policy a migration, inventory and sweep need: exactly the EC2
 * and SSM actions the SDK calls (a test compares it with what a full run calls).
 */
@Command(name = "iam-policy", mixinStandardHelpOptions = true,
        description = "Prints the least-privilege IAM policy (JSON) pv2hvm needs.")
final class IamPolicyCommand implements java.util.concurrent.Callable<Integer> {
    /** The policy document, on the classpath. */
    static final String RESOURCE = "/io/pv2hvm/samples/cli/iam-policy.json";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(policy());
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }

    /** The policy document. */
    static String policy() {
        try (InputStream in = IamPolicyCommand.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
