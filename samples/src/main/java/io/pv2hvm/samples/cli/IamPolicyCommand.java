package io.pv2hvm.samples.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints the least-privilege IAM policy a migration, rollback, inventory and sweep need: exactly
 * the EC2 and SSM actions the SDK calls, each scoped to the resources it acts on (a test evaluates
 * every call of full runs against it).
 */
@Command(name = "iam-policy", mixinStandardHelpOptions = true,
        description = {"Prints the least-privilege IAM policy (JSON) pv2hvm needs.",
                "pv2hvm may change only what it created (tagged pv2hvm:migration-id) and the source resources you"
                        + " allow: the instances named with --instance (or, without --instance, instances tagged with"
                        + " --source-tag) and the volumes, network interfaces and Elastic IPs tagged with --source-tag."})
final class IamPolicyCommand implements java.util.concurrent.Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--partition", paramLabel = "aws|aws-cn|aws-us-gov", defaultValue = "aws",
            description = "ARN partition (default: ${DEFAULT-VALUE}).")
    String partition;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "*",
            description = "Region in the ARNs (default: any).")
    String region;

    @Option(names = "--account", paramLabel = "ACCOUNT", defaultValue = "*",
            description = "12-digit account id in the ARNs (default: any).")
    String account;

    @Option(names = "--instance", paramLabel = "ID",
            description = "A source instance pv2hvm may stop, detach from and terminate (repeatable).")
    List<String> instances = new ArrayList<>();

    @Option(names = "--source-tag", paramLabel = "KEY=VALUE", defaultValue = IamPolicy.DEFAULT_SOURCE_TAG,
            description = "The tag you put on the source's volumes, network interfaces and Elastic IPs (and on source"
                    + " instances when no --instance is given) to let pv2hvm move them (default: ${DEFAULT-VALUE}).")
    String sourceTag;

    @Option(names = "--pass-role", paramLabel = "ARN",
            description = "An IAM role pv2hvm may pass to EC2: the source's instance-profile role and the worker's"
                    + " (repeatable; without it, no iam:PassRole).")
    List<String> passRoles = new ArrayList<>();

    @Option(names = "--kms-key", paramLabel = "ARN",
            description = "A KMS key of encrypted source volumes (repeatable; without it, no KMS permissions).")
    List<String> kmsKeys = new ArrayList<>();

    @Option(names = "--image-parameter", paramLabel = "NAME",
            description = "Your own SSM parameter naming the worker image, besides Canonical's (repeatable).")
    List<String> imageParameters = new ArrayList<>();

    @Option(names = "--source-over-ssm", description = "For --strategy DUAL_BOOT --source-over-ssm: also allow"
            + " ssm:SendCommand (AWS-RunShellScript only) on the source instances (--instance, else --source-tag).")
    boolean sourceOverSsm;

    @Override
    public Integer call() {
        int eq = sourceTag.indexOf('=');
        if (eq <= 0) {
            throw new UsageException("--source-tag must be KEY=VALUE, like " + IamPolicy.DEFAULT_SOURCE_TAG
                    + ", not '" + sourceTag + "'");
        }
        IamPolicy policy = new IamPolicy(partition, region, account, instances, sourceTag.substring(0, eq),
                sourceTag.substring(eq + 1), passRoles, kmsKeys, imageParameters, sourceOverSsm);
        spec.commandLine().getOut().print(policy.json());
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
