package io.pv2hvm.testkit;

import io.pv2hvm.testkit.spi.SsmCommand;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.spi.SsmCommandResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The default SSM executor: runs nothing, records each command, and answers success with
 * a configurable output (by default empty), or a scripted result for commands matching a
 * regular expression. Thread-safe.
 */
public final class RecordingSsmExecutor implements SsmCommandExecutor {

    private final List<SsmCommand> received = new CopyOnWriteArrayList<>();
    private final Map<Pattern, SsmCommandResult> scripted = new ConcurrentHashMap<>();
    private volatile SsmCommandResult fallback = SsmCommandResult.success("");

    /** Answers {@code result} for commands whose script contains a match of {@code regex}. */
    public RecordingSsmExecutor answer(String regex, SsmCommandResult result) {
        scripted.put(Pattern.compile(regex), result);
        return this;
    }

    /** Answers {@code result} for commands no scripted answer matches. */
    public RecordingSsmExecutor byDefault(SsmCommandResult result) {
        this.fallback = result;
        return this;
    }

    /** Commands received so far, in order. */
    public List<SsmCommand> received() {
        return List.copyOf(received);
    }

    @Override
    public SsmCommandResult execute(SsmCommand command) {
        received.add(command);
        String script = command.script();
        for (Map.Entry<Pattern, SsmCommandResult> e : scripted.entrySet()) {
            if (e.getKey().matcher(script).find()) {
                return e.getValue();
            }
        }
        return fallback;
    }
}
