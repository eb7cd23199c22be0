package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.aws.GuestInspection;
import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.Migration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The PV instances of a region, each with its preflight blockers and the HVM type a migration would use. */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = {"Lists the PV instances in the region with what blocks their migration and the HVM type"
                + " it would launch.", "Runs each instance's preflight (describe calls and DryRun probes only);"
                + " changes nothing unless --deep."})
final class InventoryCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AwsProviderOptions provider;

    @Option(names = "--preserve-ips", description = "Check as for 'migrate --preserve-ips' (termination protection"
            + " blocks, TerminateInstances must be allowed).")
    boolean preserveIps;

    @Option(names = "--deep", description = "Also inspect each guest that preflight clears: snapshot its root,"
            + " inspect a volume from it on a worker (read-only) for conversion blockers, then delete the snapshot,"
            + " volume and worker. Creates temporary resources; the instance is only read.")
    boolean deep;

    @Option(names = "--json", description = "Deprecated: the same as --output json.")
    boolean json;

    @Override
    public Integer call() {
        json = json || Output.jsonRequested(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (Ec2Client ec2 = provider.aws.ec2(); SsmClient ssm = provider.aws.ssm()) {
            AwsSteps steps = provider.steps(ec2, ssm);
            List<Instance> pv = pvInstances(ec2);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Instance i : pv) {
                PreflightProbe.Finding f = PreflightProbe.of(i.instanceId(), steps, preserveIps);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("instanceId", i.instanceId());
                row.put("name", i.tags().stream().filter(t -> "Name".equals(t.key())).map(Tag::value).findFirst()
                        .orElse(""));
                row.put("instanceType", i.instanceTypeAsString());
                row.put("state", i.state() == null ? null : i.state().nameAsString());
                row.put("availabilityZone", i.placement() == null ? null : i.placement().availabilityZone());
                row.put("recommendedType", f.recommendedType());
                row.put("ready", f.blockers().isEmpty());
                List<Blocker> blockers = new ArrayList<>(f.blockers());
                if (deep && blockers.isEmpty()) {
                    GuestInspection g = GuestInspection.of(Migration.of(i.instanceId()).toHvm(), steps);
                    row.put("guest", Map.of("os", g.os(), "kernel", g.kernel(), "init", g.init()));
                    blockers.addAll(g.blockers());
                    row.put("ready", blockers.isEmpty());
                }
                row.put("blockers", blockers.stream().map(b -> Map.of("code", b.code(), "reason", b.reason(),
                        "fix", b.fix())).toList());
                row.put("warnings", f.warnings());
                rows.add(row);
            }
            if (json) {
                out.println(Output.json(rows));
            } else {
                table(out, rows);
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    /** The region's PV instances; a failure names the action, as pv2hvm's own calls do. */
    private static List<Instance> pvInstances(Ec2Client ec2) {
        try {
            return ec2.describeInstancesPaginator(b -> b.filters(
                            Filter.builder().name("virtualization-type").values("paravirtual").build(),
                            Filter.builder().name("instance-state-name").values("pending", "running", "stopping",
                                    "stopped").build()))
                    .reservations().stream().flatMap(r -> r.instances().stream()).toList();
        } catch (RuntimeException e) {
            throw AwsCallException.translate("DescribeInstances", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void table(PrintWriter out, List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            out.println("No PV instances in this region.");
            return;
        }
        String format = "%-20s %-14s %-11s %-8s %-12s %s%n";
        out.printf(format, "INSTANCE", "NAME", "TYPE", "STATE", "HVM TYPE", "BLOCKERS");
        for (Map<String, Object> r : rows) {
            List<Map<String, String>> blockers = (List<Map<String, String>>) r.get("blockers");
            out.printf(format, r.get("instanceId"), r.get("name"), r.get("instanceType"), r.get("state"),
                    r.get("recommendedType") == null ? "-" : r.get("recommendedType"),
                    blockers.isEmpty() ? "none" : String.join(",", blockers.stream().map(b -> b.get("code")).toList()));
        }
        for (Map<String, Object> r : rows) {
            for (Map<String, String> b : (List<Map<String, String>>) r.get("blockers")) {
                out.println("  " + r.get("instanceId") + " " + b.get("code") + ": " + b.get("reason") + " Fix: "
                        + b.get("fix"));
            }
        }
    }
}
