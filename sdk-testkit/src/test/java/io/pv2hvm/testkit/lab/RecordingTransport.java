package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.core.transport.LocalTransport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A local transport that remembers which jobs ran: worker scripts by name ({@code pv2hvm-inspect}), other commands by program. */
final class RecordingTransport implements CommandTransport {
    private final LocalTransport local = LocalTransport.create();
    private final List<String> jobs = new CopyOnWriteArrayList<>();

    @Override
    public CommandResult exec(Command command, Consumer<OutputLine> output) {
        List<String> argv = command.argv();
        jobs.add(argv.size() > 3 && argv.get(0).equals("bash") && argv.get(1).equals("-c") ? argv.get(3) : argv.get(0));
        return local.exec(command, output);
    }

    @Override
    public void upload(byte[] content, String remotePath, int mode) {
        jobs.add("upload " + remotePath);
        local.upload(content, remotePath, mode);
    }

    @Override
    public String describe() {
        return "recording local";
    }

    List<String> jobs() {
        return List.copyOf(jobs);
    }
}
