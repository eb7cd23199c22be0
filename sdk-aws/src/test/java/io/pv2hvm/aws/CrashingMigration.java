package io.pv2hvm.aws;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.journal.FileJournal;
import io.pv2hvm.testkit.SimulatedGuest;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A migration in its own JVM, for the crash matrix: {@code run} kills itself with SIGKILL right
 * after the named step is journaled as done; {@code resume} continues from the journal.
 * Args: endpoint journal-dir migration-id run|resume [kill-after-step].
 */
public final class CrashingMigration {
    private CrashingMigration() {
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        Path journalDir = Path.of(args[1]);
        String migrationId = args[2];
        boolean resume = "resume".equals(args[3]);
        String killAfter = args.length > 4 && !args[4].isEmpty() ? args[4] : null;
        boolean sysvinit = args.length > 5 && "sysvinit".equals(args[5]);
        StaticCredentialsProvider creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIA", "s"));
        try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(creds).overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)).build();
             SsmClient ssm = SsmClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                     .credentialsProvider(creds).build()) {
            AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatedAws.timeouts())
                    .guestConversion(sysvinit ? new EmulatedAws.MountsFstabOnce(SimulatedGuest.typical())
                            : SimulatedGuest.typical()).build();
            MigrationSpec spec = resume
                    ? Migration.resume(migrationId, FileJournal.in(journalDir))
                    : Migration.of(EmulatedAws.SOURCE).toHvm().preservingIps().withMigrationId(migrationId)
                            .journal(FileJournal.in(journalDir));
            spec = spec.withProvider(aws).via(new EmulatedAws.FakeWorker())
                    .withRetryPolicy(io.pv2hvm.core.RetryPolicy.exponential(5, Duration.ofMillis(100), 2,
                            Duration.ofSeconds(1)));
            if (killAfter != null) {
                spec = spec.onProgress(new MigrationListener() {
                    @Override
                    public void stepFinished(String id, String step, Duration took) {
                        if (step.equals(killAfter)) {
                            sigkillMyself();
                        }
                    }
                });
            }
            MigrationResult r = spec.run();
            System.out.println("NEW_INSTANCE=" + r.newInstanceId());
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
}
