package io.pv2hvm.core.guest;

import io.pv2hvm.core.guest.internal.WorkerScript;

import java.util.List;
import java.util.Objects;

/**
 * How a worker command finds the device it works on: a device path known already, or a script
 * that prints it (for example one that finds an EBS volume by its id), run inside the same command
 * so that finding the device costs no round trip of its own.
 */
public final class DeviceLookup {
    private final String script;
    private final List<String> args;

    private DeviceLookup(String script, List<String> args) {
        this.script = script;
        this.args = List.copyOf(args);
    }

    /** The device at {@code device}, e.g. {@code /dev/xvdf}. */
    public static DeviceLookup at(String device) {
        return new DeviceLookup("", List.of(WorkerScript.device(device)));
    }

    /**
     * The device that {@code script}, a bash script run with {@code args} on the worker, prints on
     * its standard output (and nothing else); it fails when there is none.
     */
    public static DeviceLookup byScript(String script, List<String> args) {
        if (Objects.requireNonNull(script, "script").isBlank() || args.isEmpty() || args.size() > 9) {
            throw new IllegalArgumentException("a lookup script needs text and 1 to 9 arguments");
        }
        return new DeviceLookup(script, args);
    }

    /** The lookup script's text; empty for a device known already. */
    public String script() {
        return script;
    }

    /** The lookup script's arguments; for a device known already, that device alone. */
    public List<String> args() {
        return args;
    }
}
