package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.testkit.SimulatedGuest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The AWS connection of a command that runs migration steps, and how the guest is converted:
 * by the real worker scripts, or (against an emulator only) simulated.
 */
final class AwsProviderOptions {
    @Mixin
    AwsConnection aws;

    @Mixin
    WorkerOptions worker;

    @Option(names = "--simulate-guest", description = "With --endpoint-url only: simulate the guest conversion"
            + " (SimulatedGuest), for an emulator whose worker has no disks.")
    boolean simulateGuest;

    @Option(names = "--source-over-ssm", description = "With --strategy DUAL_BOOT: reach the running source through SSM"
            + " Run Command on it (its SSM agent online: an instance profile whose role has"
            + " AmazonSSMManagedInstanceCore, or Default Host Management). DUAL_BOOT is refused without it or"
            + " --source-over-ssh.")
    boolean sourceOverSsm;

    @Mixin
    SourceSshOptions sourceSsh;

    /** The AWS steps over these clients. */
    AwsSteps steps(Ec2Client ec2, SsmClient ssm) {
        return configured().ec2(ec2).ssm(ssm).build();
    }

    /**
     * The AWS steps for a plan: given no client, and a plan makes none (the steps make their
     * default clients on first use, which a plan never comes to), so it needs no region nor credentials.
     */
    AwsSteps planSteps() {
        return configured().build();
    }

    /** A builder with everything these options say but the clients. */
    private AwsSteps.Builder configured() {
        if (simulateGuest && !aws.customEndpoint()) {
            throw new UsageException("--simulate-guest is for an emulator: it needs --endpoint-url. On AWS the guest"
                    + " is always converted for real.");
        }
        AwsSteps.Builder b = worker.applyTo(AwsSteps.builder().timeouts(aws.timeouts()));
        if (simulateGuest) {
            b.guestConversion(SimulatedGuest.typical());
        }
        boolean sourceOverSsh = sourceSsh.requested();
        if (sourceOverSsm && sourceOverSsh) {
            throw new UsageException("--source-over-ssm and --source-over-ssh exclude each other: choose one way to the"
                    + " running source.");
        }
        if (sourceOverSsm) {
            b.sourceOverSsm();
        }
        if (sourceOverSsh) {
            b.sourceTransport(sourceSsh.transports(System.getenv(), System.console()));
        }
        return b;
    }
}
