package io.pv2hvm.samples.cli;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.ImageConversion;
import io.pv2hvm.core.guest.TargetPlatform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Converts a local PV disk image file into an HVM-bootable one, on this machine. */
@Command(name = "convert-image", mixinStandardHelpOptions = true,
        description = {"Converts a raw PV disk image (a copy of an EC2 PV root volume) into an HVM-bootable image.",
                "Needs root (loop devices). The input is only read; a refused guest leaves no output."})
final class ConvertImageCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "The PV image file.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "The HVM image to write (must not exist; IN_PLACE may"
            + " name IN itself).")
    Path out;

    @Option(names = "--strategy", paramLabel = "STRATEGY", defaultValue = "PARTITION_COPY",
            description = "IN_PLACE or PARTITION_COPY. Default: ${DEFAULT-VALUE}.")
    ConversionStrategy strategy;

    @Option(names = "--target", paramLabel = "PLATFORM", defaultValue = "NITRO",
            description = "NITRO or XEN_HVM. Default: ${DEFAULT-VALUE}.")
    TargetPlatform target;

    @Option(names = "--no-driver-fix", description = "Do not add missing disk/network drivers to the initramfs.")
    boolean noDriverFix;

    @Option(names = "--json", description = "Deprecated: the same as --output json.")
    boolean json;

    @Override
    public Integer call() {
        json = json || Output.jsonRequested(spec);
        PrintWriter o = spec.commandLine().getOut();
        ConversionResult r = ImageConversion.of(in).strategy(strategy).target(target).fixDrivers(!noDriverFix)
                .writeTo(out);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("output", out.toAbsolutePath().normalize().toString());
        doc.put("strategy", r.strategy().name());
        doc.put("target", target.name());
        doc.put("rootUuid", r.rootUuid());
        doc.put("kernel", r.kernel());
        doc.put("driversAdded", r.driversAdded());
        doc.put("warnings", r.warnings());
        doc.put("os", r.facts().os().name());
        if (json) {
            o.println(Output.json(doc));
        } else {
            o.println("Converted " + in + " -> " + doc.get("output") + " (" + r.strategy() + ", " + target + ")");
            o.println("  guest:          " + doc.get("os"));
            o.println("  kernel:         " + r.kernel());
            o.println("  root UUID:      " + r.rootUuid());
            o.println("  drivers added:  " + (r.driversAdded().isEmpty() ? "none needed" : String.join(", ",
                    r.driversAdded())));
            r.warnings().forEach(w -> o.println("  warning: " + w));
        }
        o.flush();
        return ExitCode.OK;
    }
}
