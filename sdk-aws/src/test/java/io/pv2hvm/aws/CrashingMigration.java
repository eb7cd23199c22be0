package io.pv2hvm.aws;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.journal.FileJournal;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.SimulatedGuest;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A migration in its own JVM, for the crash matrices: {@code run} kills itself with SIGKILL right
 * after the named step is journaled as done, or, given {@code call:Action#n}, inside a step: right
 * after the n-th successful {@code Action} call returned, before pv2hvm could journal what it
 * made; {@code resume} continues from the journal.
 * Args: endpoint journal-dir migration-id run|resume [kill-after-step | call:Action#n].
 */
public final class CrashingMigration {
    private CrashingMigration() {
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        Path journalDir = Path.of(args[1]);
        String migrationId = args[2];
        boolean resume = "resume".equals(args[3]);
        String killAt = args.length > 4 && !args[4].isEmpty() ? args[4] : null;
        String killAfter = killAt != null && !killAt.startsWith(CALL) ? killAt : null;
        boolean sysvinit = args.length > 5 && "sysvinit".equals(args[5]);
        try (Ec2Client ec2 = Ec2Emulator.ec2ClientBuilder(endpoint).overrideConfiguration(o -> {
                    o.retryStrategy(RetryMode.STANDARD);
                    if (killAt != null && killAt.startsWith(CALL)) {
                        o.addExecutionInterceptor(new KillAfterCall(killAt.substring(CALL.length())));
                    }
                }).build();
             SsmClient ssm = Ec2Emulator.ssmClientBuilder(endpoint).build()) {
            AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatedAws.timeouts())
                    .guestConversion(sysvinit ? new EmulatedAws.MountsFstabOnce(SimulatedGuest.typical())
                            : SimulatedGuest.typical()).build();
            MigrationSpec spec = resume
                    ? Migration.resume(migrationId, FileJournal.in(journalDir))
                    : Migration.of(EmulatedAws.SOURCE).toHvm().preservingIps().withMigrationId(migrationId)
                            .withJournal(FileJournal.in(journalDir));
            spec = spec.withProvider(aws).withTransport(new EmulatedAws.FakeWorker())
                    .withRetryPolicy(io.pv2hvm.core.RetryPolicy.exponential(5, Duration.ofMillis(100), 2,
                            Duration.ofSeconds(1)));
            if (killAfter != null) {
                spec = spec.withListener(event -> {
                    if (event instanceof MigrationEvent.StepFinished finished && finished.step().equals(killAfter)) {
                        sigkillMyself();
                    }
                });
            }
            MigrationResult r = spec.run();
            System.out.println("NEW_INSTANCE=" + r.newInstanceId());
        }
    }

    private static final String CALL = "call:";

    /** Kills the JVM when the n-th successful call of an action has been answered and unmarshalled. */
    private static final class KillAfterCall implements ExecutionInterceptor {
        private final String action;
        private final int n;
        private final Map<String, Integer> seen = new HashMap<>();

        KillAfterCall(String point) {
            int hash = point.indexOf('#');
            this.action = point.substring(0, hash);
            this.n = Integer.parseInt(point.substring(hash + 1));
        }

        @Override
        public synchronized void afterUnmarshalling(Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
            String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            if (context.httpResponse().isSuccessful() && seen.merge(op, 1, Integer::sum) == n && action.equals(op)) {
                sigkillMyself();
            }
        }
    }

    private static void sigkillMyself() {
        try {
            new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
            Thread.sleep(60_000); // the signal arrives before this ends
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a child JVM printed and how it ended. */
    record Child(int exitCode, String output) {
        /** The new instance id the child printed on success. */
        String newInstance() {
            return output.lines().filter(l -> l.startsWith("NEW_INSTANCE=")).map(l -> l.substring(13)).findFirst()
                    .orElseThrow(() -> new AssertionError("no NEW_INSTANCE line in:\n" + output));
        }
    }

    /** Runs {@link #main} in a new JVM against {@code endpoint} and waits for it (3 minutes at most). */
    static Child spawn(URI endpoint, Path journalDir, String migrationId, String mode, String killAt)
            throws IOException, InterruptedException {
        return spawn(endpoint, journalDir, migrationId, mode, killAt, "typical");
    }

    /** The same for {@code guest}: "typical", or "sysvinit" for a guest that mounts fstab once at boot. */
    static Child spawn(URI endpoint, Path journalDir, String migrationId, String mode, String killAt, String guest)
            throws IOException, InterruptedException {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-D" + io.pv2hvm.testkit.LatencyModel.TIME_SCALE_PROPERTY + "=" + EmulatedAws.TIME_SCALE,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                CrashingMigration.class.getName(), endpoint.toString(), journalDir.toString(), migrationId, mode));
        cmd.add(killAt == null ? "" : killAt);
        cmd.add(guest);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        return new Child(p.exitValue(), new String(out, java.nio.charset.StandardCharsets.UTF_8));
    }
}
