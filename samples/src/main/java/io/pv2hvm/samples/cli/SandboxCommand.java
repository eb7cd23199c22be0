package io.pv2hvm.samples.cli;

import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.samples.sandbox.GuestMode;
import io.pv2hvm.samples.sandbox.Sandbox;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The main job: a whole migration with no AWS account. Starts the emulator with a PV web server
 * (secondary IP, second interface, Elastic IP, data volume), runs
 * {@code Migration.of(id).toHvm().preservingIps().run()} against it and prints what happened.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = {"Migrates a PV web server in a local EC2 emulator, end to end, with no AWS account.",
                "With root, loop devices and QEMU the guest disk is a real PV image, converted and booted for real;"
                        + " elsewhere the guest is simulated and the output says so."})
final class SandboxCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ProgressOption progress;

    @Mixin
    ReportOption report;

    @Option(names = "--guest", paramLabel = "MODE", defaultValue = "auto",
            description = "real (a full-userland guest that serves a page, booted as PV before and as HVM after),"
                    + " marker (the lab's small marker disk), simulated, or auto (marker where the lab is available,"
                    + " else simulated). Default: ${DEFAULT-VALUE}.")
    GuestMode guest;

    @Option(names = "--instance-type", paramLabel = "TYPE", defaultValue = "m5.large",
            description = "The HVM instance type to move to. Default: ${DEFAULT-VALUE}.")
    String instanceType;

    @Option(names = "--time-scale", paramLabel = "X", defaultValue = "0.01",
            description = "EC2 latencies run X times real time in the emulator. Default: ${DEFAULT-VALUE}.")
    double timeScale;

    @Option(names = "--json", description = "Deprecated: the same as --output json.")
    boolean json;

    @Override
    public Integer call() {
        json = json || Output.jsonRequested(spec);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!(timeScale > 0) || timeScale > 1) {
            throw new UsageException("--time-scale must be in (0, 1]; got " + timeScale + ".");
        }
        report.validate();
        try (Sandbox sandbox = Sandbox.start(guest, timeScale); ProgressDisplay display = progress.display(err)) {
            String guestLine = sandbox.simulatedBecause()
                    .map(why -> "guest: SIMULATED (no disk is written; SimulatedGuest) because " + why + ".")
                    .orElse(sandbox.serves()
                            ? "guest: a full-userland PV guest (the lab's sysvinit Debian, two data volumes), converted on this"
                                    + " machine through loop devices; every HVM instance boots it in QEMU and must serve its page."
                            : "guest: a real PV disk image (lab ext4 marker fixture), converted on this machine through loop"
                                    + " devices and booted in QEMU.");
            if (!json) {
                out.println("Sandbox: EC2 emulator at " + sandbox.emulator().endpoint() + ", EC2 latencies x"
                        + timeScale);
                out.println(guestLine);
                out.println("Migrating " + SandboxWorld.SOURCE + " to HVM (" + instanceType + "), keeping its IPs...");
                out.flush();
            }
            String pvPage = null;
            if (sandbox.serves()) {
                if (!json) {
                    out.println("Booting " + SandboxWorld.SOURCE + "'s disks as its PV instance (PV-GRUB stand-in: direct"
                            + " kernel boot, its MAC, its data volumes) for the page it serves...");
                    out.flush();
                }
                pvPage = sandbox.pvPage();
                if (!json) {
                    out.println("PV guest serves (before):");
                    out.print(indent(pvPage));
                    out.flush();
                }
            }
            Instance before = instance(sandbox, SandboxWorld.SOURCE);
            MigrationSpec migration = sandbox.migration().preservingIps().withInstanceType(instanceType)
                    .withListener(display);
            MigrationResult r = report.run(migration, "pv2hvm sandbox: " + SandboxWorld.SOURCE + " to " + instanceType,
                    sandbox.apiCalls());
            Instance after = instance(sandbox, r.newInstanceId());
            boolean ipsKept = r.ipsAfter().containsAll(r.ipsBefore());
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("guest", sandbox.simulatedBecause().isPresent() ? "simulated" : "real");
                sandbox.simulatedBecause().ifPresent(why -> doc.put("simulatedBecause", why));
                doc.put("before", describe(before));
                doc.put("after", describe(after));
                doc.put("ipsKept", ipsKept);
                doc.put("qemuBoots", sandbox.bootedInstances());
                if (sandbox.serves()) {
                    doc.put("pvPage", pvPage);
                    doc.put("hvmPage", sandbox.pageOf(r.newInstanceId()).orElse(null));
                }
                sandbox.downtimeSplit().ifPresent(split -> doc.put("downtimeSplit", Map.of(
                        "windowRealSeconds", split.window().toMillis() / 1000.0,
                        "localWorkRealSeconds", split.localWork().toMillis() / 1000.0,
                        "apiCallsRealSeconds", split.apiCalls().toMillis() / 1000.0,
                        "waitsRealSeconds", split.waitsReal().toMillis() / 1000.0,
                        "waitsEc2Seconds", split.waitsEc2().toMillis() / 1000.0,
                        "timeScale", split.timeScale())));
                doc.put("result", new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.toJson()));
                out.println(Output.json(doc));
            } else {
                out.println();
                out.printf("before: %s  %-9s %-11s %s%n", before.instanceId(), before.instanceTypeAsString(),
                        before.virtualizationTypeAsString(), before.privateIpAddress());
                out.printf("after:  %s  %-9s %-11s %s%n", after.instanceId(), after.instanceTypeAsString(),
                        after.virtualizationTypeAsString(), after.privateIpAddress());
                out.println("IPs kept: " + (ipsKept ? "yes, all " + r.ipsBefore().size() + " (" + String.join(", ",
                        r.ipsBefore()) + ")" : "NO: before " + r.ipsBefore() + ", after " + r.ipsAfter()));
                if (!sandbox.bootedInstances().isEmpty()) {
                    out.println("QEMU boots: " + String.join(", ", sandbox.bootedInstances()));
                }
                if (sandbox.serves()) {
                    out.println("HVM guest serves (after, " + r.newInstanceId() + ": BIOS boot of the converted disk, new MAC,"
                            + " data volumes attached):");
                    out.print(indent(sandbox.pageOf(r.newInstanceId()).orElse("(no page: the new instance did not serve)\n")));
                }
                out.println();
                out.print(r.toText());
                // The downtime above mixes real seconds (QEMU, conversion) with EC2 latencies run at the time scale.
                sandbox.downtimeSplit().ifPresent(split -> out.print("  " + split.toText()));
                out.println();
                out.println(guestLine);
            }
            return ExitCode.OK;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String indent(String page) {
        StringBuilder sb = new StringBuilder();
        page.lines().forEach(l -> sb.append("  ").append(l).append('\n'));
        return sb.toString();
    }

    private static Instance instance(Sandbox sandbox, String id) {
        return sandbox.ec2().describeInstances(b -> b.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    private static Map<String, Object> describe(Instance i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instanceId", i.instanceId());
        m.put("instanceType", i.instanceTypeAsString());
        m.put("virtualizationType", i.virtualizationTypeAsString());
        m.put("state", i.state().nameAsString());
        m.put("imageId", i.imageId());
        m.put("privateIp", i.privateIpAddress());
        return m;
    }
}
