package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.WorkerImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Finds or builds the account's worker image, with the conversion tools baked in. */
@Command(name = "worker-image", mixinStandardHelpOptions = true,
        description = {"Builds, in this account and region, a worker image with the conversion tools installed, or"
                + " finds the one built before (tagged pv2hvm:role=worker-image).",
                "Launches the default worker image (Ubuntu 24.04) with the --worker-* options, installs the tools,"
                        + " creates and tags an AMI, and terminates the builder. Later migrations launch their workers"
                        + " from it, so a worker in a subnet without a package mirror needs only the SSM endpoints."
                        + " Run it where the worker subnet can reach a package mirror."})
final class WorkerImageCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AwsConnection aws;

    @Mixin
    WorkerOptions worker;

    @Option(names = "--json", description = "Deprecated: the same as --output json.")
    boolean json;

    @Override
    public Integer call() {
        json = json || Output.jsonRequested(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (Ec2Client ec2 = aws.ec2(); SsmClient ssm = aws.ssm()) {
            WorkerImage image = worker.applyTo(io.pv2hvm.aws.AwsSteps.builder().ec2(ec2).ssm(ssm)
                    .timeouts(aws.timeouts())).build().prepareWorkerImage();
            if (json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("imageId", image.imageId());
                row.put("name", image.name());
                row.put("baseImageId", image.baseImageId());
                row.put("reused", image.reused());
                out.println(Output.json(row));
            } else {
                out.println((image.reused() ? "Found worker image " : "Built worker image ") + image.imageId() + " ("
                        + image.name() + (image.baseImageId() == null ? "" : ", from " + image.baseImageId()) + ").");
                out.println("Migrations in this account and region launch their workers from it.");
            }
            out.flush();
            return ExitCode.OK;
        }
    }
}
