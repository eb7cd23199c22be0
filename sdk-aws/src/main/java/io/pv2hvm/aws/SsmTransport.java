package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsCalls;
import io.pv2hvm.aws.internal.SharedDescribe;
import io.pv2hvm.aws.internal.SsmAction;
import io.pv2hvm.aws.internal.SsmPolls;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputCapture;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.core.spi.Sleeper;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CommandFilter;
import software.amazon.awssdk.services.ssm.model.CommandFilterKey;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs worker commands through SSM Run Command ({@code AWS-RunShellScript}).
 *
 * <p>SSM keeps only the first 24,000 characters of a command's output, so each command writes
 * its stdout and stderr to files on the worker; the transport reads them back completely in
 * base64 chunks and deletes them. Output lines therefore reach the consumer when the command has
 * finished, not while it runs. The command runs under coreutils {@code timeout}, which kills its
 * process group at the deadline (exit 124 is reported as a timeout). Before the first command it
 * waits for the agent to be Online in DescribeInstanceInformation (a new instance's agent takes a
 * minute or two to register), up to {@link Builder#agentTimeout}; then it throws
 * {@link SsmAgentOfflineException} naming the likely causes.
 * A command that outlives its timeout is cancelled with CancelCommand. SendCommand has no client
 * token: when its answer is lost (a 5xx or a broken connection), the command is found again by the
 * token in its Comment through ListCommands and adopted, and sent again only when SSM does not list
 * it within {@link Builder#acceptanceWindow}, so a step's command neither runs twice nor is lost.
 *
 * <p>SSM carries a command as a document parameter, which SSM's command history and CloudTrail
 * keep: a command's environment values travel there too. Do not pass secrets through this
 * transport's environment; use {@code SshTransport}, which sends them over the channel.
 */
public final class SsmTransport implements CommandTransport {
    private static final Pattern INSTANCE_ID = Pattern.compile("(i|mi)-[0-9a-f]{8,17}");
    /** Bytes of output per read-back chunk: base64 of it stays under SSM's 24,000-character cap. */
    private static final int CHUNK_BYTES = 17_000;
    /** The first reply carries the start of both streams: together they must stay under the cap too. */
    private static final int FIRST_CHUNK_BYTES = 8_000;
    private static final String SPOOL = "/var/tmp/pv2hvm";
    /** The wrapper each command runs in, and the last command of an upload (resources beside this class). */
    private static final String SSM_RUN = resource("ssm-run.sh");
    private static final String SSM_UPLOAD = resource("ssm-upload.sh");
    private static final Pattern FIELD = Pattern.compile("@([A-Z_]+)@");
    /** How long SSM may take to list a command it accepted before a lost send is sent again. */
    public static final Duration DEFAULT_ACCEPTANCE_WINDOW = Duration.ofSeconds(30);
    /** The exit status of coreutils {@code timeout} when it had to stop the command. */
    private static final int TIMED_OUT = 124;
    private static final String DOCUMENT = SsmPolls.DOCUMENT;
    /** Each send's Comment: this prefix and a random UUID (43 characters; SSM allows 100). */
    static final String COMMENT_PREFIX = "pv2hvm ";
    /** A command whose answer was lost is sent at most this often (each time only if SSM does not list it). */
    private static final int MAX_SENDS = 3;
    /** Throttled sends (refused, so safe to repeat) tried before the throttling error reaches the step. */
    private static final int MAX_THROTTLED = 8;
    /** Turns the SDK's own retries off for one request. */
    private static final software.amazon.awssdk.core.SdkPlugin SEND_ONCE = config -> config.overrideConfiguration(
            config.overrideConfiguration().toBuilder().retryStrategy(r -> r.maxAttempts(1)).build());
    /** ListCommands' largest page (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListCommands.html). */
    private static final int LIST_PAGE = 50;
    /** InvokedAfter is compared with SSM's clock: allow for this machine's clock running ahead. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(10);

    private final SsmClient ssm;
    private final String instanceId;
    private final Duration maxPoll;
    private final Sleeper sleeper;
    private final AwsCalls calls;
    private final Duration agentTimeout;
    private final Duration acceptanceWindow;
    private final java.time.Clock clock;
    private final java.util.concurrent.atomic.AtomicBoolean agentChecked;
    private final Consumer<String> waiting;
    /** The poll rounds this transport shares (a fleet's, else its own). */
    private final SsmPolls polls;

    private SsmTransport(Builder b) {
        this.ssm = Objects.requireNonNull(b.ssm, "ssm client");
        if (b.instanceId == null || !INSTANCE_ID.matcher(b.instanceId).matches()) {
            throw new InvalidSpecException("SsmTransport needs the managed instance id (i-... or mi-...); got '"
                    + b.instanceId + "'.");
        }
        this.instanceId = b.instanceId;
        this.maxPoll = b.maxPoll;
        this.sleeper = b.sleeper;
        this.calls = b.calls != null ? b.calls : new AwsCalls(b.rateLimits);
        this.agentTimeout = b.agentTimeout;
        this.acceptanceWindow = b.acceptanceWindow;
        this.clock = b.clock;
        this.agentChecked = new java.util.concurrent.atomic.AtomicBoolean();
        this.waiting = what -> { };
        this.polls = b.polls != null ? b.polls : new SsmPolls(ssm, maxPoll);
    }

    private SsmTransport(SsmTransport base, Consumer<String> waiting) {
        this.ssm = base.ssm;
        this.instanceId = base.instanceId;
        this.maxPoll = base.maxPoll;
        this.sleeper = base.sleeper;
        this.calls = base.calls;
        this.agentTimeout = base.agentTimeout;
        this.acceptanceWindow = base.acceptanceWindow;
        this.clock = base.clock;
        this.agentChecked = base.agentChecked;
        this.waiting = waiting;
        this.polls = base.polls;
    }

    /**
     * This transport (same client, same agent check) telling {@code waiting} what each command
     * waits for while it polls, e.g. {@code "SSM command on i-0abc: InProgress"}: for a step's
     * {@code StepContext::waitingFor}.
     */
    public SsmTransport reportingWaitsTo(Consumer<String> waiting) {
        return new SsmTransport(this, Objects.requireNonNull(waiting));
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CommandResult exec(Command command, Consumer<OutputLine> output) {
        ensureAgentOnline();
        String spoolId = UUID.randomUUID().toString();
        String out = SPOOL + "/" + spoolId + ".out";
        String err = SPOOL + "/" + spoolId + ".err";
        // ssm-run.sh spools the outputs and answers with their sizes and first chunks.
        String script = fill(SSM_RUN, Map.of("SPOOL", SPOOL, "OUT", out, "ERR", err,
                "SECONDS", Long.toString(Math.max(1, command.timeout().toSeconds())),
                "COMMAND", Command.quote(command.toShellLine()), "FIRST_CHUNK", Integer.toString(FIRST_CHUNK_BYTES)));
        java.time.Instant start = clock.instant();
        Finished first = run(script, command.timeout().plusSeconds(60), command.toString());
        if (first.exitCode == TIMED_OUT) {
            throw new TransportException("Command timed out after " + command.timeout() + " on " + instanceId
                    + " and was killed: " + command, null, false);
        }
        String[] lines = first.stdout.split("\n", -1);
        if (lines.length < 3 || !lines[0].matches("\\d+ \\d+")) {
            throw new TransportException("SSM command on " + instanceId + " returned output pv2hvm did not write"
                    + " (" + first.status + "); is /bin/bash available on the worker? Command: " + command,
                    null, command.idempotent());
        }
        String[] sizes = lines[0].split(" ");
        long outSize = Long.parseLong(sizes[0]);
        long errSize = Long.parseLong(sizes[1]);
        byte[] stdout = readAll(out, outSize, Base64.getDecoder().decode(lines[1].strip()));
        byte[] stderr = readAll(err, errSize, Base64.getDecoder().decode(lines[2].strip()));
        if (outSize > FIRST_CHUNK_BYTES || errSize > FIRST_CHUNK_BYTES) {
            run("rm -f " + out + " " + err, Duration.ofMinutes(2), "remove spool files"); // the script kept them for reading back
        }

        OutputCapture capture = new OutputCapture(output);
        try {
            capture.drain(new ByteArrayInputStream(stdout), OutputLine.Stream.STDOUT);
            capture.drain(new ByteArrayInputStream(stderr), OutputLine.Stream.STDERR);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen reading memory
        }
        if (capture.consumerFailure() != null) {
            throw capture.consumerFailure();
        }
        return capture.result(first.exitCode, Duration.between(start, clock.instant()));
    }

    @Override
    public void upload(byte[] content, String remotePath, int mode) {
        ensureAgentOnline();
        String tmp = remotePath + ".pv2hvm-upload";
        String encoded = Base64.getEncoder().encodeToString(content);
        int chunk = 16_000;
        run(": > " + Command.quote(tmp), Duration.ofMinutes(2), "upload " + remotePath);
        for (int i = 0; i < encoded.length(); i += chunk) {
            String part = encoded.substring(i, Math.min(encoded.length(), i + chunk));
            run("printf %s " + part + " >> " + Command.quote(tmp), Duration.ofMinutes(2), "upload " + remotePath);
        }
        Finished f = run(fill(SSM_UPLOAD.strip(), Map.of("TMP", Command.quote(tmp), "PATH", Command.quote(remotePath),
                "MODE", Integer.toOctalString(mode))),
                Duration.ofMinutes(2), "upload " + remotePath);
        if (f.exitCode != 0) {
            throw new TransportException("Upload of " + remotePath + " to " + instanceId + " failed: " + f.stderr,
                    null, true);
        }
    }

    @Override
    public String describe() {
        return "ssm " + instanceId;
    }

    /** {@code template} with each {@code @NAME@} replaced by its field, in one pass: no value is read as a field. */
    private static String fill(String template, Map<String, String> fields) {
        Matcher m = FIELD.matcher(template);
        StringBuilder text = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(text, Matcher.quoteReplacement(Objects.requireNonNull(fields.get(m.group(1)), m.group())));
        }
        return m.appendTail(text).toString();
    }

    /** A script resource beside this class without its header comment (shebang, lint directives, what it does). */
    private static String resource(String name) {
        try (InputStream in = SsmTransport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("transport script resource missing: " + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            while (text.startsWith("#")) {
                text = text.substring(text.indexOf('\n') + 1);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] readAll(String file, long size, byte[] firstChunk) {
        if (size <= firstChunk.length) {
            return firstChunk;
        }
        byte[] all = new byte[(int) size];
        System.arraycopy(firstChunk, 0, all, 0, firstChunk.length);
        int offset = firstChunk.length;
        while (offset < size) {
            Finished f = run("tail -c +" + (offset + 1) + " " + file + " | head -c " + CHUNK_BYTES + " | base64 -w0",
                    Duration.ofMinutes(2), "read back " + file);
            byte[] part = Base64.getDecoder().decode(f.stdout.strip());
            if (part.length == 0) {
                throw new TransportException("Reading back " + file + " from " + instanceId + " stopped at byte "
                        + offset + " of " + size, null, false);
            }
            System.arraycopy(part, 0, all, offset, Math.min(part.length, all.length - offset));
            offset += part.length;
        }
        return all;
    }

    /**
     * Polls DescribeInstanceInformation until the agent is Online. The deadline counts both the
     * clock and the time slept, so a fake sleeper or a frozen clock cannot make it wait forever.
     */
    private void ensureAgentOnline() {
        if (agentChecked.get()) {
            return;
        }
        java.time.Instant deadline = clock.instant().plus(agentTimeout);
        Duration slept = Duration.ZERO;
        Duration wait = Duration.ofMillis(Math.max(1, maxPoll.toMillis() / 5));
        SharedDescribe.Pacing pacing = new InterruptPacing();
        try (var watch = polls.agents().watch(instanceId, calls)) {
            while (true) {
                String ping;
                try {
                    // One DescribeInstanceInformation round answers every worker a fleet waits for.
                    ping = polls.agents().look(watch, pacing).orElse("not registered");
                } catch (AwsCallException e) {
                    throw new TransportException(e.getMessage(), e, e.retryable());
                } catch (Cancelled e) {
                    Thread.currentThread().interrupt();
                    throw new TransportException("Interrupted while waiting for the SSM agent on " + instanceId, e, false);
                }
                if ("Online".equals(ping)) {
                    agentChecked.set(true);
                    return;
                }
                waiting.accept("SSM agent on " + instanceId + ": " + ping);
                if (!clock.instant().isBefore(deadline) || slept.compareTo(agentTimeout) >= 0) {
                    throw new SsmAgentOfflineException(instanceId, ping, agentTimeout);
                }
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransportException("Interrupted while waiting for the SSM agent on " + instanceId, e, false);
                }
                slept = slept.plus(wait);
                wait = wait.multipliedBy(2).compareTo(maxPoll) > 0 ? maxPoll : wait.multipliedBy(2);
            }
        }
    }

    /** Sends a script and waits for it to finish; a timeout or a lost invocation is a TransportException. */
    private Finished run(String script, Duration timeout, String what) {
        Sent sent = send(script, Math.max(1, timeout.toSeconds()), what);
        String commandId = sent.commandId();
        // On the injected clock; the time slept counts too, so a frozen clock cannot make it wait forever.
        Duration patience = timeout.plusSeconds(30);
        java.time.Instant deadline = clock.instant().plus(patience);
        Duration slept = Duration.ZERO;
        // Start at a tenth of the longest gap (500 ms for AWS's 5 s: no Run Command finishes
        // sooner than its dispatch), then double.
        Duration wait = Duration.ofMillis(Math.max(1, maxPoll.toMillis() / 10));
        int notYet = 0;
        int pollErrors = 0;
        SharedDescribe.Pacing pacing = new InterruptPacing();
        try (SsmPolls.CommandWatch watch = polls.watchCommand(commandId, instanceId, sent.requestedAt(), calls)) {
            while (true) {
                GetCommandInvocationResponse inv = null;
                String status = null;
                try {
                    // The fleet's round says how the invocation is; its output comes with its own
                    // GetCommandInvocation once it finished (a round of it alone already has it).
                    Optional<SsmPolls.Invocation> seen = polls.invocations().look(watch.watch(), pacing);
                    pollErrors = 0;
                    if (seen.isPresent()) {
                        status = seen.get().status();
                        inv = seen.get().answer() != null ? seen.get().answer()
                                : FINISHED.contains(status) ? calls.call(SsmAction.GET_COMMAND_INVOCATION, () ->
                                        ssm.getCommandInvocation(r -> r.commandId(commandId).instanceId(instanceId)))
                                : null;
                    } else if (++notYet > 50) {
                        // Right after SendCommand, SSM neither lists the invocation nor knows it (InvocationDoesNotExist).
                        throw new TransportException("SSM never registered command " + commandId + " on " + instanceId,
                                null, true);
                    }
                } catch (AwsCallException e) {
                    if ("InvocationDoesNotExist".equals(e.errorCode())) {
                        // listed as finished, not yet readable: SSM is eventually consistent
                        if (++notYet > 50) {
                            throw new TransportException("SSM never registered command " + commandId + " on "
                                    + instanceId, e, true);
                        }
                    } else if (++pollErrors > 5) {
                        // The command may still be running: stop it, so a retry cannot run it twice at once.
                        cancel(commandId);
                        throw new TransportException("Polling SSM command " + commandId + " (" + what + ") kept failing:"
                                + " " + e.getMessage() + ". The command was cancelled.", e, false);
                    }
                } catch (Cancelled e) {
                    throw interrupted(commandId, what, e);
                }
                if (inv != null) {
                    status = inv.statusAsString();
                }
                waiting.accept("SSM command on " + instanceId + ": " + (status == null ? "not registered yet" : status));
                if (inv != null) {
                    switch (inv.statusAsString()) {
                        case "Success", "Failed" -> {
                            return new Finished(inv.responseCode() == null ? -1 : inv.responseCode(),
                                    nullToEmpty(inv.standardOutputContent()), nullToEmpty(inv.standardErrorContent()),
                                    inv.statusAsString());
                        }
                        case "TimedOut" -> {
                            if (Integer.valueOf(TIMED_OUT).equals(inv.responseCode())) {
                                return new Finished(TIMED_OUT, "", "", "TimedOut"); // our own timeout fired first
                            }
                            throw new TransportException("SSM command timed out after " + timeout + " on "
                                    + instanceId + ": " + what, null, false);
                        }
                        case "Cancelled" -> throw new TransportException("SSM command was cancelled on " + instanceId
                                + ": " + what, null, false);
                        default -> {
                            // Pending, InProgress, Delayed, Cancelling: keep polling.
                        }
                    }
                }
                if (clock.instant().isAfter(deadline) || slept.compareTo(patience) > 0) {
                    cancel(commandId);
                    throw new TransportException("SSM command did not finish within " + timeout + " on " + instanceId
                            + " and was cancelled: " + what, null, false);
                }
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    throw interrupted(commandId, what, e);
                }
                slept = slept.plus(wait);
                wait = wait.multipliedBy(2).compareTo(maxPoll) > 0 ? maxPoll : wait.multipliedBy(2);
            }
        }
    }

    /**
     * The command of an interrupted wait is cancelled (with the interrupt cleared, so the call
     * goes out), then the interrupt is restored for the caller.
     */
    private TransportException interrupted(String commandId, String what, Exception e) {
        cancel(commandId);
        Thread.currentThread().interrupt();
        return new TransportException("Interrupted; SSM command " + commandId + " cancelled: " + what, e, false);
    }

    /** Statuses after which an invocation changes no more: its output is read then. */
    private static final java.util.Set<String> FINISHED = java.util.Set.of("Success", "Failed", "TimedOut", "Cancelled");

    /** A transport's pacing in the shared rounds: its sleeper, and thread interruption as cancellation. */
    private final class InterruptPacing implements SharedDescribe.Pacing {
        @Override
        public void sleep(Duration duration) {
            try {
                sleeper.sleep(duration);
            } catch (InterruptedException e) {
                throw new Cancelled(); // the interrupt stays cleared until the command is cancelled
            }
        }

        @Override
        public void checkCancelled() {
            if (Thread.interrupted()) {
                throw new Cancelled();
            }
        }

        @Override
        public RuntimeException cancelled() {
            Thread.interrupted();
            return new Cancelled();
        }
    }

    /** The waiting thread was interrupted (its interrupt cleared); the transport cancels and reports. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("interrupted", null, false, false);
        }
    }

    /**
     * Sends the script once. SendCommand takes no client token, so a 5xx or a broken connection
     * leaves it unknown whether SSM accepted the command (and the worker runs it): each send carries
     * its own token in the Comment, and after such a failure the transport looks for the token in
     * ListCommands and adopts the command it finds. It sends again only when the command is not
     * listed after {@link Builder#acceptanceWindow} (ListCommands shows a new command only after a
     * moment), and never after an answer that says SSM refused it (4xx).
     */
    private Sent send(String script, long seconds, String what) {
        String comment = COMMENT_PREFIX + UUID.randomUUID();
        java.time.Instant sentAfter = clock.instant().minus(CLOCK_SKEW).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        AwsCallException last = null;
        int throttled = 0;
        Duration backoff = Duration.ofMillis(Math.max(1, maxPoll.toMillis() / 10));
        for (int attempt = 1; attempt <= MAX_SENDS; attempt++) {
            try {
                // The SDK must not resend on its own: it would not look for the first command.
                var command = calls.call(SsmAction.SEND_COMMAND, () -> ssm.sendCommand(r -> r.instanceIds(instanceId)
                        .documentName(DOCUMENT).comment(comment)
                        .parameters(Map.of("commands", List.of(script), "executionTimeout", List.of(Long.toString(seconds))))
                        .overrideConfiguration(o -> o.addPlugin(SEND_ONCE))))
                        .command();
                return new Sent(command.commandId(), requestedAt(command, sentAfter));
            } catch (AwsCallException e) {
                if (e.throttled() && ++throttled <= MAX_THROTTLED) {
                    attempt--; // a throttled request was refused, not accepted: send again after a pause
                    pause(backoff, comment);
                    backoff = backoff.multipliedBy(2).compareTo(maxPoll) > 0 ? maxPoll : backoff.multipliedBy(2);
                    continue;
                }
                if (!maybeAccepted(e)) {
                    throw new TransportException(e.getMessage(), e, e.retryable());
                }
                last = e;
            }
            java.util.Optional<Sent> adopted = findSent(comment, sentAfter);
            if (adopted.isPresent()) {
                return adopted.get();
            }
        }
        throw new TransportException(SsmAction.SEND_COMMAND.awsName() + " (" + what + ") to " + instanceId + " failed " + MAX_SENDS
                + " times and SSM lists no command with comment '" + comment + "': " + last.getMessage(), last, true);
    }

    private void pause(Duration wait, String comment) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("Interrupted while sending SSM command '" + comment + "' to " + instanceId
                    + "; it may be running: look for it with aws ssm list-commands", e, false);
        }
    }

    /** A 5xx, or no answer at all: the command may have been accepted although the answer was lost. */
    private static boolean maybeAccepted(AwsCallException e) {
        return e.errorCode() == null || e.httpStatus() >= 500;
    }

    /**
     * The id of the command this transport sent with {@code comment}, as ListCommands shows it for
     * the worker: every page of the account's commands of the document issued since
     * {@code sentAfter}, polled until {@link Builder#acceptanceWindow} has passed. Listing the
     * worker's commands with InstanceId would hide a command still Pending there
     * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListCommands.html).
     */
    private java.util.Optional<Sent> findSent(String comment, java.time.Instant sentAfter) {
        java.time.Instant deadline = clock.instant().plus(acceptanceWindow);
        Duration slept = Duration.ZERO;
        Duration wait = Duration.ofMillis(Math.max(1, maxPoll.toMillis() / 10));
        while (true) {
            String next = null;
            do {
                String token = next;
                var page = call(SsmAction.LIST_COMMANDS, () -> ssm.listCommands(r -> r.maxResults(LIST_PAGE).nextToken(token)
                        .filters(CommandFilter.builder().key(CommandFilterKey.INVOKED_AFTER).value(sentAfter.toString()).build(),
                                CommandFilter.builder().key(CommandFilterKey.DOCUMENT_NAME).value(DOCUMENT).build())));
                for (software.amazon.awssdk.services.ssm.model.Command c : page.commands()) {
                    if (comment.equals(c.comment()) && c.instanceIds().contains(instanceId)) {
                        return java.util.Optional.of(new Sent(c.commandId(), requestedAt(c, sentAfter)));
                    }
                }
                next = page.nextToken();
            } while (next != null && !next.isEmpty());
            if (!clock.instant().isBefore(deadline) || slept.compareTo(acceptanceWindow) >= 0) {
                return java.util.Optional.empty();
            }
            waiting.accept("SSM command on " + instanceId + ": looking for a command whose answer was lost");
            pause(wait, comment);
            slept = slept.plus(wait);
            wait = wait.multipliedBy(2).compareTo(maxPoll) > 0 ? maxPoll : wait.multipliedBy(2);
        }
    }

    private void cancel(String commandId) {
        try {
            call(SsmAction.CANCEL_COMMAND, () -> ssm.cancelCommand(r -> r.commandId(commandId).instanceIds(instanceId)));
        } catch (RuntimeException e) {
            // Best effort: the command may have finished meanwhile.
        }
    }

    private <T> T call(SsmAction action, java.util.function.Supplier<T> call) {
        try {
            return calls.call(action, call);
        } catch (AwsCallException e) {
            throw new TransportException(e.getMessage(), e, e.retryable());
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private record Finished(int exitCode, String stdout, String stderr, String status) {
    }

    /** A command SSM accepted, and when it says it received it (its own clock, as ListCommandInvocations filters by). */
    private record Sent(String commandId, java.time.Instant requestedAt) {
    }

    /** When SSM received {@code command}; {@code sentAfter} (this clock, less the skew allowance) if SSM did not say. */
    private static java.time.Instant requestedAt(software.amazon.awssdk.services.ssm.model.Command command,
                                                 java.time.Instant sentAfter) {
        return command.requestedDateTime() != null ? command.requestedDateTime() : sentAfter;
    }

    /** Builds an {@link SsmTransport}. */
    public static final class Builder {
        private SsmClient ssm;
        private String instanceId;
        private Duration maxPoll = Duration.ofSeconds(5);
        private Sleeper sleeper = Sleeper.system();
        private AwsCalls calls;
        private Ec2RateLimits rateLimits = Ec2RateLimits.unlimited();
        private Duration agentTimeout = AwsTimeouts.DEFAULT_AGENT_ONLINE;
        private Duration acceptanceWindow = DEFAULT_ACCEPTANCE_WINDOW;
        private java.time.Clock clock = java.time.Clock.systemUTC();
        private SsmPolls polls;

        private Builder() {
        }

        /** The poll rounds to share (a fleet's); default: the transport's own. */
        Builder polls(SsmPolls polls) {
            this.polls = polls;
            return this;
        }

        /**
         * How long to wait for the agent to be Online before the first command (default
         * {@link AwsTimeouts#DEFAULT_AGENT_ONLINE}); then {@link SsmAgentOfflineException}.
         */
        public Builder agentTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new InvalidSpecException("The SSM agent timeout must be zero or positive; got " + timeout + ".");
            }
            this.agentTimeout = timeout;
            return this;
        }

        /**
         * How long ListCommands may take to show a command SSM accepted (default
         * {@link #DEFAULT_ACCEPTANCE_WINDOW}): after a SendCommand whose answer was lost, a command
         * not listed within it is taken as never accepted and sent again.
         */
        public Builder acceptanceWindow(Duration window) {
            if (window == null || window.isNegative()) {
                throw new InvalidSpecException("The SSM acceptance window must be zero or positive; got " + window + ".");
            }
            this.acceptanceWindow = window;
            return this;
        }

        /** The clock waits' deadlines and commands' durations are measured on (default: the system clock). */
        public Builder clock(java.time.Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** The SSM client. */
        public Builder client(SsmClient ssm) {
            this.ssm = ssm;
            return this;
        }

        /** The managed instance to run commands on. */
        public Builder instanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        /** The longest wait between two polls of a running command (polls start at 100 ms and double). */
        public Builder maxPoll(Duration maxPoll) {
            this.maxPoll = Objects.requireNonNull(maxPoll);
            return this;
        }

        /** The sleeper for poll waits. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper);
            return this;
        }

        Builder calls(AwsCalls calls) {
            this.calls = calls;
            return this;
        }

        /**
         * Take a permit from these rate limits before each SSM call (default: none). Ignored when
         * the transport is made by {@link AwsSteps}, which passes its own.
         */
        public Builder rateLimits(Ec2RateLimits limits) {
            this.rateLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The transport. */
        public SsmTransport build() {
            return new SsmTransport(this);
        }
    }
}
