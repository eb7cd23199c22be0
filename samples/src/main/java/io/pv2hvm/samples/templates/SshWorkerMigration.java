package io.pv2hvm.samples.templates;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.ssh.HostKeyPolicy;
import io.pv2hvm.ssh.SshKey;
import io.pv2hvm.ssh.SshTransport;

import java.nio.file.Path;

/**
 * Template: use your own worker instance over SSH instead of a launched one over SSM, e.g. where
 * the SSM agent cannot reach its endpoints. The worker must be in the source's availability zone;
 * a non-root user needs passwordless {@code sudo -n}. Host keys are checked against a
 * known_hosts file; nothing secret is logged.
 *
 * <p>Run it: {@code java -cp samples/target/pv2hvm-cli.jar io.pv2hvm.samples.templates.SshWorkerMigration
 * i-0source... i-0worker... 10.0.1.5 admin ~/.ssh/worker.pem ~/.ssh/known_hosts}
 */
public final class SshWorkerMigration {
    private SshWorkerMigration() {
    }

    /** The migration of {@code sourceId} with worker {@code workerId} reached over SSH at {@code host}. */
    public static MigrationSpec spec(String sourceId, String workerId, String host, String user, Path key,
                                     Path knownHosts, AwsSteps aws) {
        SshTransport ssh = SshTransport.builder().host(host).user(user).key(SshKey.fromFile(key))
                .hostKeys(HostKeyPolicy.knownHosts(knownHosts)).build();
        return Migration.of(sourceId).toHvm().preservingIps().withWorker(workerId).withTransport(ssh).withProvider(aws);
    }

    /** Arguments: source id, worker id, worker host, user, private key file, known_hosts file. */
    public static void main(String[] args) {
        if (args.length != 6) {
            System.err.println("usage: SshWorkerMigration SOURCE-ID WORKER-ID HOST USER KEY-FILE KNOWN-HOSTS");
            System.exit(2);
        }
        MigrationSpec spec = spec(args[0], args[1], args[2], args[3], Path.of(args[4]), Path.of(args[5]),
                new AwsSteps());
        System.out.print(spec.plan().toText());
        MigrationResult r = spec.run();
        System.out.print(r.toText());
    }
}
