package io.pv2hvm.aws.internal.steps;

import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.Responses;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.ConsoleCheck;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.StepContext;


import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Proves an instance booted: running, serving (health command or reachability check), both
 * status checks, and a console free of boot failures.
 */
public final class BootCheck {
    /** How long one run of the health command may take. */
    static final Duration HEALTH_ATTEMPT = Duration.ofMinutes(1);
    /** While an instance does not serve yet, its console is read at most this often (EC2 time). */
    static final Duration CONSOLE_EVERY = Duration.ofSeconds(30);

    private BootCheck() {
    }

    /**
     * Waits until the new instance serves: the end of the downtime window. Serving means the
     * user's health command passes against the instance where one is given, else EC2's instance
     * reachability check passes. Console text proves nothing here: on Xen types EC2 posts the
     * console buffer only a while after the guest printed it, and a guest can show its login
     * prompt while its service is down. A console that shows a boot failure fails the wait: it is read on the first look
     * that does not serve, then at most every {@link #CONSOLE_EVERY}, when the instance serves,
     * and at the timeout.
     */
    public static void awaitServing(AwsRuntime aws, StepContext ctx, String instanceId) {
        aws.ec2().waitInstance(ctx, instanceId, InstanceStateName.RUNNING);
        boolean nitro = nitro(ctx);
        Optional<String> health = ctx.options().healthCommand();
        String ip = health.isEmpty() ? null : Responses.require(aws.ec2().visibleInstance(ctx, instanceId).privateIpAddress(),
                Ec2Action.DESCRIBE_INSTANCES, "Reservations.Instances.PrivateIpAddress", instanceId);
        String what = health.isPresent() ? "the health command to pass against " + instanceId
                : "EC2's reachability check of " + instanceId + " to pass";
        Instant[] lastConsole = {null};
        try {
            aws.ec2().waits().untilTrue(ctx, what, aws.timeouts().statusChecks(), () -> {
                boolean serving = health.isPresent() ? runHealth(aws, ctx, health.get(), ip).succeeded()
                        : aws.ec2().reachable(instanceId);
                Instant now = ctx.clock().instant();
                // The console decides only a failure: read it when the instance serves (a console
                // showing a failure still fails), on the first look that it does not, and then at
                // most every CONSOLE_EVERY while it does not (one GetConsoleOutput per poll look
                // was a fleet's largest share of calls).
                if (serving || lastConsole[0] == null || !now.isBefore(lastConsole[0].plus(CONSOLE_EVERY))) {
                    lastConsole[0] = now;
                    requireCleanBoot(instanceId, console(aws, instanceId, nitro));
                }
                return serving;
            });
        } catch (MigrationException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Timed out")) {
                requireCleanBoot(instanceId, console(aws, instanceId, nitro)); // a boot failure says more than a timeout
            }
            throw e;
        }
    }

    /**
     * Runs the user's health command on the worker, with the instance's private IP in
     * {@code $INSTANCE_IP} and, as before, {@code $TRIAL_IP}.
     */
    public static CommandResult runHealth(AwsRuntime aws, StepContext ctx, String health, String ip) {
        return aws.transport(ctx).exec(Command.bash(health).withEnvironment(Map.of("TRIAL_IP", ip, "INSTANCE_IP", ip))
                .withTimeout(HEALTH_ATTEMPT));
    }

    /**
     * Waits for the instance to run and pass its status checks, then reads its console until
     * there is output (bounded by the status-check timeout) and scans it.
     *
     * @return the console text (possibly empty if EC2 never produced any)
     * @throws MigrationException naming the failure line
     */
    public static String verify(AwsRuntime aws, StepContext ctx, String instanceId) {
        aws.ec2().waitInstance(ctx, instanceId, InstanceStateName.RUNNING);
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
        return ctx.find(AwsFacts.TARGET_NITRO).orElse(false);
    }

    public static String console(AwsRuntime aws, String instanceId, boolean nitro) {
        // Latest is only supported on Nitro types (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetConsoleOutput.html).
        String encoded = aws.ec2().getConsoleOutput(r -> r.instanceId(instanceId).latest(nitro ? Boolean.TRUE : null)).output();
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
