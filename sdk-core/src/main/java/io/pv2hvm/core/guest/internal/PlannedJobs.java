package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A transport that stands in for the worker while a converter's own code runs on an inspection
 * made earlier: it answers the inspect job with those records, and every other job either with
 * success and no output, collecting the commands (to send them as one, see
 * {@link WorkerScript#asPlanned}), or with the output that job printed inside that one command
 * (to build the result exactly as the separate commands would).
 */
public final class PlannedJobs implements CommandTransport {
    private final String describe;
    private final String inspectRecords;
    private final List<String> outputs;
    private final List<Command> commands = new ArrayList<>();

    private PlannedJobs(String describe, String inspectRecords, List<String> outputs) {
        this.describe = describe;
        this.inspectRecords = inspectRecords;
        this.outputs = outputs;
    }

    /** Collects the jobs a conversion of the guest that printed {@code inspectRecords} would run. */
    public static PlannedJobs collecting(String describe, String inspectRecords) {
        return new PlannedJobs(describe, inspectRecords, null);
    }

    /** Answers the jobs, in order, with {@code outputs}: what each printed inside the one command. */
    public static PlannedJobs replaying(String describe, String inspectRecords, List<String> outputs) {
        return new PlannedJobs(describe, inspectRecords, List.copyOf(outputs));
    }

    /** The commands received, the inspection excluded. */
    public List<Command> commands() {
        return List.copyOf(commands);
    }

    @Override
    public CommandResult exec(Command command, Consumer<OutputLine> output) {
        WorkerScript job = WorkerScript.of(command).orElseThrow(() ->
                new IllegalStateException("not a worker job: " + command));
        if (job == WorkerScript.INSPECT) {
            return new CommandResult(0, inspectRecords, "", Duration.ZERO, false);
        }
        commands.add(command);
        if (outputs == null) {
            return new CommandResult(0, "", "", Duration.ZERO, false);
        }
        if (commands.size() > outputs.size()) {
            throw new IllegalStateException("the conversion ran more jobs than the planned command did: " + command);
        }
        return new CommandResult(0, outputs.get(commands.size() - 1), "", Duration.ZERO, false);
    }

    @Override
    public void upload(byte[] content, String remotePath, int mode) {
        throw new IllegalStateException("a planned conversion uploads nothing");
    }

    @Override
    public String describe() {
        return describe;
    }
}
