package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.ConsoleCheck;
import io.pv2hvm.aws.internal.FactKeys;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.spi.StepContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Proves an instance booted: running, both status checks, and a console free of boot failures. */
final class BootCheck {
    private BootCheck() {
    }

    /**
     * Waits until the guest has booted: its console shows output, or (where EC2 is slow to
     * publish the console) its status checks already pass; a console showing a boot failure fails.
     */
    static void awaitBoot(AwsRuntime aws, StepContext ctx, String instanceId) {
        aws.ec2().waitInstance(ctx, instanceId, "running");
        boolean nitro = nitro(ctx);
        String console = aws.ec2().waits().until(ctx, "the guest of " + instanceId + " to boot",
                aws.timeouts().statusChecks(), () -> {
                    String text = console(aws, instanceId, nitro);
                    if (!text.isBlank()) {
                        return Optional.of(text);
                    }
                    return aws.ec2().statusOk(instanceId) ? Optional.of("") : Optional.empty();
                });
        requireCleanBoot(instanceId, console);
    }

    /**
     * Waits for the instance to run and pass its status checks, then reads its console until
     * there is output (bounded by the status-check timeout) and scans it.
     *
     * @return the console text (possibly empty if EC2 never produced any)
     * @throws MigrationException naming the failure line
     */
    static String verify(AwsRuntime aws, StepContext ctx, String instanceId) {
        aws.ec2().waitInstance(ctx, instanceId, "running");
        aws.ec2().waitStatusOk(ctx, instanceId);
        String console;
        try {
            boolean nitro = nitro(ctx);
            console = aws.ec2().waits().until(ctx, "console output of " + instanceId, aws.timeouts().statusChecks(),
                    () -> Optional.of(console(aws, instanceId, nitro)).filter(s -> !s.isBlank()));
        } catch (MigrationException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("Timed out")) {
                throw e;
            }
            ctx.warn("EC2 returned no console output for " + instanceId + "; its boot was judged by the status"
                    + " checks alone.");
            return "";
        }
        requireCleanBoot(instanceId, console);
        return console;
    }

    private static void requireCleanBoot(String instanceId, String console) {
        ConsoleCheck.failure(console).ifPresent(f -> {
            throw new MigrationException("Instance " + instanceId + " did not boot cleanly: its console shows \""
                    + f.line() + "\". " + f.cause());
        });
    }

    private static boolean nitro(StepContext ctx) {
        return Boolean.parseBoolean(ctx.fact(FactKeys.TARGET_NITRO).orElse("false"));
    }

    static String console(AwsRuntime aws, String instanceId, boolean nitro) {
        // Latest is only supported on Nitro types (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetConsoleOutput.html).
        String encoded = aws.ec2().calls().call("GetConsoleOutput", () -> aws.ec2().ec2()
                .getConsoleOutput(r -> r.instanceId(instanceId).latest(nitro ? Boolean.TRUE : null))).output();
        if (encoded == null || encoded.isEmpty()) {
            return "";
        }
        try {
            return new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return encoded;
        }
    }
}
