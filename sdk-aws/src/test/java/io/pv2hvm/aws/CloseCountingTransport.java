package io.pv2hvm.aws;

import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A transport that counts its close() calls (and does not close {@code delegate}); a failing one
 * refuses every command, so the step using it fails.
 */
record CloseCountingTransport(CommandTransport delegate, AtomicInteger closed, boolean failing) implements CommandTransport {

    CloseCountingTransport(CommandTransport delegate, AtomicInteger closed) {
        this(delegate, closed, false);
    }

    @Override
    public CommandResult exec(Command command, Consumer<OutputLine> output) {
        if (failing) {
            throw new TransportException("refused by the test", null, false);
        }
        return delegate.exec(command, output);
    }

    @Override
    public void upload(byte[] content, String remotePath, int mode) {
        delegate.upload(content, remotePath, mode);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        closed.incrementAndGet();
    }
}
