package io.pv2hvm.samples.cli;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Worker;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** What {@code plan} and {@code migrate} share: the instance and the options of the fluent API. */
final class MigrationOptions {
    @Parameters(index = "0", paramLabel = "INSTANCE-ID", description = "The PV instance, e.g. i-0abc123def4567890.")
    String instanceId;

    @Option(names = "--preserve-ips", description = "Keep private IPs, Elastic IPs and secondary interfaces"
            + " (terminates the source after a backup image exists).")
    boolean preserveIps;

    @Option(names = "--instance-type", paramLabel = "TYPE", description = "The HVM instance type (default: the"
            + " source's, or its documented successor).")
    String instanceType;

    @Option(names = "--strategy", paramLabel = "STRATEGY", description = "IN_PLACE or PARTITION_COPY (default: IN_PLACE"
            + " where the filesystem allows it), or the opt-in DUAL_BOOT, which changes the running source before the"
            + " stop (needs --source-over-ssm).")
    ConversionStrategy strategy;

    @Option(names = "--worker", paramLabel = "ID", description = "An existing worker instance (i-...) or the AMI to"
            + " launch one from (ami-...). Default: this account's worker image (pv2hvm worker-image), else Ubuntu"
            + " 24.04, in the source's AZ.")
    String worker;

    @Option(names = "--ssm", description = "Run worker commands through SSM (the default).")
    boolean ssm;

    @Option(names = "--ssh-host", paramLabel = "HOST", description = "Run worker commands over SSH to this host"
            + " (the --worker instance), or a Host of the SSH config.")
    String sshHost;

    @Option(names = "--ssh-user", paramLabel = "USER", description = "SSH user (a non-root user needs sudo -n);"
            + " default: the SSH config's User.")
    String sshUser;

    @Option(names = "--ssh-port", paramLabel = "PORT", description = "SSH port; default: the SSH config's Port, else 22.")
    Integer sshPort;

    @Option(names = "--ssh-key", paramLabel = "FILE", description = "SSH private key file; default: the SSH config's"
            + " IdentityFile, and the ssh-agent's keys (SSH_AUTH_SOCK). An encrypted key's passphrase is asked on the"
            + " terminal, else read from PV2HVM_SSH_PASSPHRASE.")
    Path sshKey;

    @Option(names = "--ssh-config", paramLabel = "FILE", description = "OpenSSH client config to read (Host, HostName,"
            + " User, Port, IdentityFile, ProxyJump); default ~/.ssh/config if it exists; 'none' reads none. These"
            + " options win over it.")
    String sshConfig;

    @Option(names = "--ssh-jump", paramLabel = "[USER@]HOST[:PORT][,...]", description = "Jump hosts, as ssh -J"
            + " (replaces the SSH config's ProxyJump); each is checked against the same known_hosts.")
    String sshJump;

    @Option(names = "--ssh-legacy-algorithms", description = "Also offer weak SSH algorithms (CBC ciphers, hmac-sha1,"
            + " ssh-rsa SHA-1 signatures, SHA-1 key exchanges), for a host that offers nothing else.")
    boolean sshLegacyAlgorithms;

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts file checked strictly; default"
            + " ~/.ssh/known_hosts.")
    Path knownHosts;

    @Option(names = "--health-command", paramLabel = "CMD", description = "Must exit 0 on the worker against the"
            + " trial instance ($TRIAL_IP) before cutover.")
    String healthCommand;

    @Option(names = "--keep-source", description = "Leave the source stopped instead of terminating it.")
    boolean keepSource;

    @Option(names = "--accept-instance-store-loss", description = "Accept that instance-store data is lost.")
    boolean acceptInstanceStoreLoss;

    @Option(names = "--accept-stack-drift", description = "Migrate a CloudFormation-managed instance; its stack"
            + " keeps naming the old id until you update it.")
    boolean acceptStackDrift;

    @Option(names = "--migration-id", paramLabel = "ID", description = "Name the migration (default: generated).")
    String migrationId;

    /** The spec these options describe, without a provider (the caller adds it). */
    MigrationSpec spec() {
        MigrationSpec s = Migration.of(instanceId).toHvm();
        if (preserveIps) {
            s = s.preservingIps();
        }
        if (instanceType != null) {
            s = s.withInstanceType(instanceType);
        }
        if (strategy != null) {
            s = s.withStrategy(strategy);
        }
        if (worker != null) {
            s = s.withWorker(worker.startsWith("ami-") ? Worker.launchedFrom(worker) : Worker.existing(worker));
        }
        if (healthCommand != null) {
            s = s.withHealthCommand(healthCommand);
        }
        if (keepSource) {
            s = s.keepingSource();
        }
        if (acceptInstanceStoreLoss) {
            s = s.acceptingInstanceStoreLoss();
        }
        if (acceptStackDrift) {
            s = s.acceptingStackDrift();
        }
        if (migrationId != null) {
            s = s.withMigrationId(migrationId);
        }
        return withTransport(s);
    }

    private MigrationSpec withTransport(MigrationSpec s) {
        boolean anySsh = sshHost != null || sshUser != null || sshPort != null || sshKey != null || knownHosts != null
                || sshConfig != null || sshJump != null || sshLegacyAlgorithms;
        if (!anySsh) {
            return s;
        }
        if (ssm) {
            throw new UsageException("--ssm and the --ssh-* options exclude each other.");
        }
        if (sshHost == null) {
            throw new UsageException("SSH needs --ssh-host (a host name, an address, or a Host of the SSH config).");
        }
        if (worker == null || !worker.startsWith("i-")) {
            throw new UsageException("Over SSH the worker must be an existing instance: add --worker i-...");
        }
        return s.withTransport(SshOptions.transport(this, System.getenv(), System.console()));
    }
}
