package io.pv2hvm.testkit.internal.ssm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pv2hvm.testkit.internal.http.HttpAnswer;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.model.InstanceRecord;
import io.pv2hvm.testkit.internal.model.NetworkInterfaceRecord;
import io.pv2hvm.testkit.internal.model.VolumeRecord;
import io.pv2hvm.testkit.internal.model.InstanceState;
import io.pv2hvm.testkit.spi.SsmCommand;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.spi.SsmCommandResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSM JSON 1.1 API subset (X-Amz-Target: AmazonSSM.*): Run Command against the emulated
 * instances, agent registration, the Default Host Management service setting, and public
 * parameters. Commands run through a pluggable {@link SsmCommandExecutor} on a background
 * thread; the invocation shows Pending for the dispatch latency, InProgress until both the
 * executor has finished and the run latency has passed, then its final status. An agent
 * registers only when the image ships it and the instance's credentials allow it (instance
 * profile or Default Host Management), after a registration delay.
 */
public final class SsmService {

    /** GetCommandInvocation keeps the first 24,000 characters of stdout and 8,000 of stderr
     * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html). */
    static final int STDOUT_LIMIT = 24_000;
    static final int STDERR_LIMIT = 8_000;
    /** ListCommandInvocations' plugin Output keeps 2,500 characters (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CommandPlugin.html). */
    static final int PLUGIN_OUTPUT_LIMIT = 2_500;
    /** The Default Host Management Configuration setting (https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html). */
    public static final String DHMC_SETTING = "/ssm/managed-instance/default-ec2-instance-management-role";
    /** The setting's value while it is off. */
    static final String DHMC_OFF = "$None";
    /**
     * The exit code the agent reports for a command it stopped at its executionTimeout on Linux
     * (amazon-ssm-agent appconfig: CommandStoppedPreemptivelyExitCode = 137, SIGKILL).
     */
    static final int STOPPED_PREEMPTIVELY = 137;
    /**
     * AWS-RunShellScript's parameters and executionTimeout's allowed pattern, 1 to 172800 seconds
     * (aws ssm describe-document --name AWS-RunShellScript;
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-command-ssm-plugin-reference.html#aws-runShellScript).
     */
    static final java.util.Set<String> RUN_SHELL_PARAMETERS = java.util.Set.of("commands", "workingDirectory", "executionTimeout");
    static final java.util.regex.Pattern EXECUTION_TIMEOUT =
            java.util.regex.Pattern.compile("([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)");
    static final String RUN_SHELL_SCRIPT = "AWS-RunShellScript";
    /**
     * SSM publishes no request rate for Run Command; throttled SSM calls answer ThrottlingException
     * "Rate exceeded" (https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html).
     * A bucket of 20 refilled at 10 per second per action, when throttling is on: twice what
     * the SDK's client-side SSM limiter allows itself.
     */
    static final int SSM_BURST = 20;
    static final double SSM_REFILL_PER_SECOND = 10;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(SsmService.class);

    private static final class Invocation {
        String instanceId;
        Instant dispatchAt;
        Instant minEndAt;
        Future<?> future;
        volatile SsmCommandResult result;
        volatile Throwable failure;
        volatile Instant finishedAt;
        boolean cancelled;
        boolean timedOut;
        volatile Instant startedAt;
        Duration timeout;
    }

    private static final class Command {
        String commandId;
        String documentName;
        String comment;
        Map<String, List<String>> parameters;
        Instant requestedAt;
        Duration timeout;
        final Map<String, Invocation> invocations = new LinkedHashMap<>();
    }

    private final Ec2Model model;
    private final ExecutorService background;
    private volatile SsmCommandExecutor executor;
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final Map<String, io.pv2hvm.testkit.internal.time.TokenBucket> buckets = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile double throttlingRefillFactor = -1;
    private Instant dhmcModifiedAt;

    public SsmService(Ec2Model model, ExecutorService background, SsmCommandExecutor executor) {
        this.model = model;
        this.background = background;
        this.executor = executor;
    }

    public void executor(SsmCommandExecutor e) {
        this.executor = e;
    }

    /**
     * Throttles SSM calls per action ({@link #SSM_BURST}, {@link #SSM_REFILL_PER_SECOND}) while
     * the emulator's throttling policy is on, refilling on the same clock as its EC2 buckets.
     */
    public void throttling(io.pv2hvm.testkit.ThrottlingPolicy policy) {
        double ts = model.latency().timeScale();
        this.throttlingRefillFactor = !policy.enabled() ? -1
                : !policy.refillsOnScaledClock() ? 1 : ts == 0 ? Double.POSITIVE_INFINITY : 1 / ts;
        buckets.clear();
    }

    private void throttle(String operation) {
        double factor = throttlingRefillFactor;
        if (factor < 0) {
            return;
        }
        var bucket = buckets.computeIfAbsent(operation, k -> new io.pv2hvm.testkit.internal.time.TokenBucket(
                SSM_BURST, SSM_REFILL_PER_SECOND * factor, model.clock()));
        if (!bucket.tryTake()) {
            throw new Ec2Exception("ThrottlingException", "Rate exceeded", 400);
        }
    }

    public HttpAnswer handle(String operation, String body) {
        try {
            JsonNode in = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
            ObjectNode out = JSON.createObjectNode();
            throttle(operation);
            model.locked(() -> {
                model.advance();
                switch (operation) {
                    case "SendCommand" -> sendCommand(in, out);
                    case "GetCommandInvocation" -> getCommandInvocation(in, out);
                    case "ListCommandInvocations" -> listCommandInvocations(in, out);
                    case "ListCommands" -> listCommands(in, out);
                    case "CancelCommand" -> cancelCommand(in);
                    case "DescribeInstanceInformation" -> describeInstanceInformation(in, out);
                    case "GetParameter" -> getParameter(in, out);
                    case "GetServiceSetting" -> getServiceSetting(in, out);
                    case "UpdateServiceSetting" -> updateServiceSetting(in);
                    case "ResetServiceSetting" -> resetServiceSetting(in, out);
                    default -> throw new Ec2Exception("UnknownOperationException", "Unknown operation " + operation);
                }
            });
            return HttpAnswer.json(200, JSON.writeValueAsString(out), null);
        } catch (Ec2Exception e) {
            return error(e.status(), e.code(), e.getMessage());
        } catch (IOException e) {
            return error(400, "SerializationException", "Malformed JSON: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("emulator bug answering SSM {}", operation, e);
            return error(500, "InternalServerError", "emulator failure: " + e);
        }
    }

    public static HttpAnswer error(int status, String code, String message) {
        ObjectNode n = JSON.createObjectNode().put("__type", code).put("message", message);
        return HttpAnswer.json(status, n.toString(), code);
    }

    private static String text(JsonNode in, String field) {
        JsonNode n = in.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static String required(JsonNode in, String field) {
        String v = text(in, field);
        if (v == null || v.isEmpty()) {
            throw new Ec2Exception("ValidationException", "1 validation error detected: Value null at '" + field
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return v;
    }

    /**
     * The agent is online once it registered: the image ships it, the instance runs, its
     * credentials allow SSM (a profile whose role has the core policy, or Default Host
     * Management), and the registration delay has passed since the later of its start and the
     * setting that let it in (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html).
     */
    private boolean online(InstanceRecord i) {
        if (!i.ssmAgent || i.state() != InstanceState.RUNNING || i.runningSince() == null || !model.ssmPermitted(i)) {
            return false;
        }
        Instant since = i.runningSince();
        boolean viaProfile = i.instanceProfileArn != null && model.profileAllowsSsm(i.instanceProfileArn);
        if (!viaProfile && model.defaultHostManagementSince() != null && model.defaultHostManagementSince().isAfter(since)) {
            since = model.defaultHostManagementSince();
        }
        return !model.now().isBefore(since.plus(model.latency().scaled(model.latency().ssmAgentOnline())));
    }

    // -------------------------------------------------------------- Run Command

    private void sendCommand(JsonNode in, ObjectNode out) {
        String document = required(in, "DocumentName");
        List<String> instanceIds = new ArrayList<>();
        in.path("InstanceIds").forEach(n -> instanceIds.add(n.asText()));
        if (instanceIds.isEmpty()) {
            throw new Ec2Exception("ValidationException", "InstanceIds or Targets must be specified");
        }
        // InstanceIds: at most 50; Comment: at most 100 characters
        // (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html).
        if (instanceIds.size() > 50) {
            throw new Ec2Exception("ValidationException", "1 validation error detected: Value at 'instanceIds' failed"
                    + " to satisfy constraint: Member must have length less than or equal to 50");
        }
        String comment = text(in, "Comment");
        if (comment != null && comment.length() > 100) {
            throw new Ec2Exception("ValidationException", "1 validation error detected: Value at 'comment' failed to"
                    + " satisfy constraint: Member must have length less than or equal to 100");
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        in.path("Parameters").properties().forEach(e -> {
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            params.put(e.getKey(), values);
        });
        validateDocument(document, params);
        // An instance whose agent is not online is refused with InvalidInstanceId
        // (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html).
        for (String id : instanceIds) {
            InstanceRecord i = model.findInstance(id).orElse(null);
            if (i == null || !model.visible(i.createdAt) || !online(i)) {
                throw new Ec2Exception("InvalidInstanceId", "Instances [[" + id + "]] not in a valid state for account " + Ec2Model.ACCOUNT_ID);
            }
        }
        Command c = new Command();
        c.commandId = UUID.nameUUIDFromBytes(model.ids().hex(32).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        c.documentName = document;
        c.comment = comment;
        c.parameters = params;
        c.requestedAt = model.now();
        long timeoutSeconds = params.containsKey("executionTimeout") ? Long.parseLong(params.get("executionTimeout").get(0)) : 3600;
        c.timeout = Duration.ofSeconds(timeoutSeconds);
        commands.put(c.commandId, c);
        SsmCommandExecutor exec = executor;
        for (String id : instanceIds) {
            Invocation inv = new Invocation();
            inv.instanceId = id;
            inv.dispatchAt = model.now().plus(model.latency().scaled(model.latency().ssmDispatch()));
            inv.minEndAt = inv.dispatchAt.plus(model.latency().scaled(model.latency().ssmRun()));
            Map<String, String> volumes = new LinkedHashMap<>();
            Map<String, io.pv2hvm.testkit.world.FilesystemSeed> filesystems = new LinkedHashMap<>();
            model.volumesOf(id).forEach(v -> {
                volumes.put(v.device(), v.id());
                if (v.filesystem() != null) {
                    filesystems.put(v.device(), v.filesystem());
                }
            });
            SsmCommand command = new SsmCommand(c.commandId, id, document, params.getOrDefault("commands", List.of()),
                    c.timeout, Map.copyOf(params), disksOf(id), Map.copyOf(volumes), model.findInstance(id).orElseThrow().hypervisor,
                    filesystems);
            inv.timeout = c.timeout;
            inv.future = background.submit(() -> {
                inv.startedAt = model.clock().instant();
                try {
                    inv.result = exec.execute(command);
                } catch (Throwable t) {
                    inv.failure = t;
                } finally {
                    inv.finishedAt = model.clock().instant();
                }
            });
            c.invocations.put(id, inv);
        }
        ObjectNode cmd = out.putObject("Command");
        commandJson(cmd, c);
    }

    /**
     * The document must exist (InvalidDocument) and the parameters match its schema: no unknown
     * name, the required {@code commands}, an executionTimeout in its allowed pattern
     * (InvalidParameters) (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html).
     */
    private static void validateDocument(String document, Map<String, List<String>> params) {
        if (!RUN_SHELL_SCRIPT.equals(document)) {
            throw new Ec2Exception("InvalidDocument", "Document with name " + document + " does not exist.");
        }
        for (String name : params.keySet()) {
            if (!RUN_SHELL_PARAMETERS.contains(name)) {
                throw new Ec2Exception("InvalidParameters", "Parameter \"" + name + "\" is not defined in document "
                        + document + "; it takes " + RUN_SHELL_PARAMETERS + ".");
            }
        }
        if (params.getOrDefault("commands", List.of()).isEmpty()) {
            throw new Ec2Exception("InvalidParameters", "Parameter \"commands\" is required by document " + document + ".");
        }
        for (String name : List.of("executionTimeout", "workingDirectory")) {
            if (params.containsKey(name) && params.get(name).size() != 1) {
                throw new Ec2Exception("InvalidParameters", "Parameter \"" + name + "\" takes one value.");
            }
        }
        if (params.containsKey("executionTimeout") && !EXECUTION_TIMEOUT.matcher(params.get("executionTimeout").get(0)).matches()) {
            throw new Ec2Exception("InvalidParameters", "Parameter \"executionTimeout\" value "
                    + params.get("executionTimeout").get(0) + " does not match the allowed pattern (1 to 172800 seconds).");
        }
    }

    private Map<String, Path> disksOf(String instanceId) {
        Map<String, Path> disks = new LinkedHashMap<>();
        for (VolumeRecord v : model.volumesOf(instanceId)) {
            if (v.diskImage() != null) {
                disks.put(v.device(), v.diskImage());
            }
        }
        return Map.copyOf(disks);
    }

    private void commandJson(ObjectNode cmd, Command c) {
        cmd.put("CommandId", c.commandId).put("DocumentName", c.documentName).put("DocumentVersion", "$DEFAULT");
        if (c.comment != null) {
            cmd.put("Comment", c.comment);
        }
        cmd.put("RequestedDateTime", c.requestedAt.toEpochMilli() / 1000.0);
        ObjectNode params = cmd.putObject("Parameters");
        c.parameters.forEach((k, v) -> {
            ArrayNode a = params.putArray(k);
            v.forEach(a::add);
        });
        ArrayNode ids = cmd.putArray("InstanceIds");
        c.invocations.keySet().forEach(ids::add);
        String status = aggregateStatus(c);
        cmd.put("Status", status).put("StatusDetails", details(status));
        cmd.put("TargetCount", c.invocations.size());
        long done = c.invocations.values().stream().filter(i -> isFinal(status(i))).count();
        cmd.put("CompletedCount", done);
        cmd.put("ErrorCount", c.invocations.values().stream().filter(i -> status(i).equals("Failed")).count());
        cmd.put("TimeoutSeconds", c.timeout.toSeconds());
    }

    private static boolean isFinal(String s) {
        return s.equals("Success") || s.equals("Failed") || s.equals("Cancelled") || s.equals("TimedOut");
    }

    private String aggregateStatus(Command c) {
        List<String> all = c.invocations.values().stream().map(this::status).toList();
        if (all.stream().allMatch(s -> s.equals("Pending"))) {
            return "Pending";
        }
        if (!all.stream().allMatch(SsmService::isFinal)) {
            return "InProgress";
        }
        if (all.stream().allMatch(s -> s.equals("Success"))) {
            return "Success";
        }
        if (all.contains("Cancelled")) {
            return "Cancelled";
        }
        return all.contains("TimedOut") ? "TimedOut" : "Failed";
    }

    /**
     * StatusDetails says more than Status: a timed-out execution is ExecutionTimedOut
     * (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitor-commands.html).
     */
    private static String details(String status) {
        return status.equals("TimedOut") ? "ExecutionTimedOut" : status;
    }

    /**
     * TimedOut only when the execution outlived its executionTimeout (the agent then stops it);
     * a command that exits with any non-zero code, 124 included, is Failed with that code.
     */
    private String status(Invocation inv) {
        Instant now = model.now();
        if (inv.cancelled) {
            return "Cancelled";
        }
        if (now.isBefore(inv.dispatchAt)) {
            return "Pending";
        }
        if (!inv.timedOut && inv.startedAt != null) {
            Instant end = inv.finishedAt != null ? inv.finishedAt : model.clock().instant();
            if (!end.isBefore(inv.startedAt.plus(inv.timeout))) {
                inv.timedOut = true;
                inv.future.cancel(true);
            }
        }
        if (inv.timedOut) {
            return "TimedOut";
        }
        if (inv.finishedAt == null || now.isBefore(inv.minEndAt)) {
            return "InProgress";
        }
        if (inv.failure != null) {
            return "Failed";
        }
        return inv.result.exitCode() == 0 ? "Success" : "Failed";
    }

    private Command command(String commandId) {
        Command c = commands.get(commandId);
        if (c == null || !model.visible(c.requestedAt)) {
            throw new Ec2Exception("InvalidCommandId", "Command " + commandId + " not found");
        }
        return c;
    }

    /**
     * Right after SendCommand the invocation may not exist yet: InvocationDoesNotExist
     * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html).
     */
    private void getCommandInvocation(JsonNode in, ObjectNode out) {
        String commandId = required(in, "CommandId");
        String instanceId = required(in, "InstanceId");
        Command c = commands.get(commandId);
        Invocation inv = c == null ? null : c.invocations.get(instanceId);
        if (inv == null || !model.visible(c.requestedAt)) {
            throw new Ec2Exception("InvocationDoesNotExist", "The command ID and instance ID you specified did not match any invocations.");
        }
        String status = status(inv);
        out.put("CommandId", commandId).put("InstanceId", instanceId).put("DocumentName", c.documentName)
                .put("DocumentVersion", "$DEFAULT").put("PluginName", "aws:runShellScript");
        if (c.comment != null) {
            out.put("Comment", c.comment);
        }
        out.put("Status", status).put("StatusDetails", details(status));
        boolean done = isFinal(status) && !inv.cancelled;
        out.put("ResponseCode", done ? exitCode(inv) : -1);
        if (!status.equals("Pending")) {
            out.put("ExecutionStartDateTime", inv.dispatchAt.toString());
        }
        if (done) {
            out.put("ExecutionElapsedTime", "PT" + Duration.between(inv.dispatchAt, inv.minEndAt).toMillis() / 1000.0 + "S");
            out.put("ExecutionEndDateTime", model.now().toString());
        }
        out.put("StandardOutputContent", done ? truncate(stdout(inv), STDOUT_LIMIT) : "");
        out.put("StandardOutputUrl", "").put("StandardErrorContent", done ? truncate(stderr(inv), STDERR_LIMIT) : "")
                .put("StandardErrorUrl", "");
        out.putObject("CloudWatchOutputConfig").put("CloudWatchLogGroupName", "").put("CloudWatchOutputEnabled", false);
    }

    private static int exitCode(Invocation inv) {
        if (inv.timedOut) {
            return STOPPED_PREEMPTIVELY;
        }
        return inv.failure != null ? 1 : inv.result.exitCode();
    }

    private static String stdout(Invocation inv) {
        return inv.failure != null || inv.result == null || inv.result.stdout() == null ? "" : inv.result.stdout();
    }

    private static String stderr(Invocation inv) {
        if (inv.timedOut && inv.result == null) {
            return "failed to run commands: command timed out after " + inv.timeout.toSeconds() + " seconds";
        }
        if (inv.failure != null) {
            return String.valueOf(inv.failure);
        }
        return inv.result == null || inv.result.stderr() == null ? "" : inv.result.stderr();
    }

    private static String truncate(String s, int limit) {
        return s.length() <= limit ? s : s.substring(0, limit);
    }

    /**
     * Invocations of the visible commands, per {@link CommandListing}'s filters and pages
     * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListCommandInvocations.html).
     */
    private void listCommandInvocations(JsonNode in, ObjectNode out) {
        CommandListing q = new CommandListing("ListCommandInvocations", in);
        boolean details = in.path("Details").asBoolean(false);
        List<Map.Entry<Command, Invocation>> all = new ArrayList<>();
        for (Command c : commands.values()) {
            if ((q.commandId != null && !q.commandId.equals(c.commandId)) || !model.visible(c.requestedAt)) {
                continue;
            }
            for (Invocation inv : c.invocations.values()) {
                String status = status(inv);
                if ((q.instanceId == null || q.instanceId.equals(inv.instanceId))
                        && q.passes(c.requestedAt, status, isFinal(status), c.documentName)) {
                    all.add(Map.entry(c, inv));
                }
            }
        }
        ArrayNode list = out.putArray("CommandInvocations");
        for (Map.Entry<Command, Invocation> e : q.page(all, out)) {
            Command c = e.getKey();
            Invocation inv = e.getValue();
            String status = status(inv);
            ObjectNode n = list.addObject();
            n.put("CommandId", c.commandId).put("InstanceId", inv.instanceId).put("DocumentName", c.documentName)
                    .put("DocumentVersion", "$DEFAULT").put("RequestedDateTime", c.requestedAt.toEpochMilli() / 1000.0)
                    .put("Status", status).put("StatusDetails", details(status));
            if (c.comment != null) {
                n.put("Comment", c.comment);
            }
            if (details) {
                ObjectNode plugin = n.putArray("CommandPlugins").addObject();
                boolean done = isFinal(status) && !inv.cancelled;
                plugin.put("Name", "aws:runShellScript").put("Status", status).put("StatusDetails", details(status))
                        .put("ResponseCode", done ? exitCode(inv) : -1)
                        .put("Output", done ? truncate(stdout(inv) + stderr(inv), PLUGIN_OUTPUT_LIMIT) : "");
            }
        }
    }

    /**
     * Commands with their aggregate status, per {@link CommandListing}'s filters and pages
     * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListCommands.html). A
     * command appears only once the consistency window has passed since it was sent, and a named
     * CommandId that is not (yet) listed is InvalidCommandId. Listed by InstanceId, a command whose
     * invocation there is still Pending is not shown: it has not reached the node
     * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CommandFilter.html).
     */
    private void listCommands(JsonNode in, ObjectNode out) {
        CommandListing q = new CommandListing("ListCommands", in);
        List<Command> all = new ArrayList<>();
        for (Command c : commands.values()) {
            if ((q.commandId != null && !q.commandId.equals(c.commandId)) || !model.visible(c.requestedAt)) {
                continue;
            }
            if (q.instanceId != null && (!c.invocations.containsKey(q.instanceId)
                    || status(c.invocations.get(q.instanceId)).equals("Pending"))) {
                continue;
            }
            String status = aggregateStatus(c);
            if (q.passes(c.requestedAt, status, isFinal(status), c.documentName)) {
                all.add(c);
            }
        }
        if (q.commandId != null && all.isEmpty() && (!commands.containsKey(q.commandId)
                || !model.visible(commands.get(q.commandId).requestedAt))) {
            throw new Ec2Exception("InvalidCommandId", "Command " + q.commandId + " not found");
        }
        ArrayNode list = out.putArray("Commands");
        for (Command c : q.page(all, out)) {
            commandJson(list.addObject(), c);
        }
    }

    private void cancelCommand(JsonNode in) {
        Command c = command(required(in, "CommandId"));
        List<String> only = new ArrayList<>();
        in.path("InstanceIds").forEach(n -> only.add(n.asText()));
        for (Invocation inv : c.invocations.values()) {
            if ((only.isEmpty() || only.contains(inv.instanceId)) && !isFinal(status(inv))) {
                inv.cancelled = true;
                inv.future.cancel(true);
            }
        }
    }

    // -------------------------------------------------------------- agent, parameters

    /** DescribeInstanceInformation's MaxResults range (MaxResultsEC2Compatible). */
    static final int INFO_MIN_RESULTS = 5;
    static final int INFO_MAX_RESULTS = 50;
    /** Values one InstanceInformationStringFilter (or legacy InstanceInformationFilter) takes. */
    static final int INFO_FILTER_VALUES = 100;
    private static final java.util.regex.Pattern MANAGED_NODE_ID = java.util.regex.Pattern.compile("(i-(\\w{8}|\\w{17}))|(mi-\\w{17})");

    /**
     * Managed nodes and agent PingStatus
     * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html):
     * Filters and the legacy InstanceInformationFilterList exclude each other, a filter takes 1 to
     * 100 values (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_InstanceInformationStringFilter.html),
     * MaxResults is 5 to 50 and pages carry a NextToken. An id that is not a managed-node id is
     * InvalidInstanceId; a well-formed id of a node not registered (yet) is simply not listed, which
     * is how a new instance's agent registration is waited for. Only the InstanceIds key is
     * emulated: another is refused with InvalidFilterKey rather than ignored (ignoring it would
     * list more than SSM does).
     */
    private void describeInstanceInformation(JsonNode in, ObjectNode out) {
        if (in.has("Filters") && in.has("InstanceInformationFilterList")) {
            throw new Ec2Exception("ValidationException", "Filters and InstanceInformationFilterList can't be used"
                    + " together; use Filters.");
        }
        List<String> wanted = new ArrayList<>();
        instanceIdFilter(in.path("Filters"), "Key", "Values", wanted);
        instanceIdFilter(in.path("InstanceInformationFilterList"), "key", "valueSet", wanted);
        JsonNode max = in.get("MaxResults");
        int maxResults = max == null || max.isNull() ? INFO_MAX_RESULTS : max.asInt();
        if (maxResults < INFO_MIN_RESULTS || maxResults > INFO_MAX_RESULTS) {
            throw new Ec2Exception("ValidationException", "1 validation error detected: Value '" + maxResults
                    + "' at 'maxResults' failed to satisfy constraint: Member must have value between "
                    + INFO_MIN_RESULTS + " and " + INFO_MAX_RESULTS);
        }
        int offset = infoOffset(text(in, "NextToken"));
        List<ObjectNode> all = new ArrayList<>();
        for (InstanceRecord i : model.instances()) {
            if (!wanted.isEmpty() && !wanted.contains(i.id)) {
                continue;
            }
            boolean online = online(i);
            if (online) {
                i.agentOnline();
            }
            if (!online && !i.agentSeen()) {
                continue;
            }
            if (i.state() == InstanceState.TERMINATED) {
                continue;
            }
            NetworkInterfaceRecord eni = model.primaryEni(i).orElse(null);
            ObjectNode node = JSON.createObjectNode();
            all.add(node);
            node.put("InstanceId", i.id).put("PingStatus", online ? "Online" : "ConnectionLost")
                    .put("LastPingDateTime", model.now().toEpochMilli() / 1000.0).put("AgentVersion", "3.3.1142.0")
                    .put("IsLatestVersion", true).put("PlatformType", "Linux").put("PlatformName", "Linux")
                    .put("PlatformVersion", "").put("ResourceType", "EC2Instance")
                    .put("IPAddress", eni == null ? "" : eni.privateIps.get(0))
                    .put("ComputerName", eni == null ? i.id : "ip-" + eni.privateIps.get(0).replace('.', '-') + ".ec2.internal");
        }
        if (offset > all.size()) {
            throw new Ec2Exception("InvalidNextToken", "The specified token isn't valid.");
        }
        int end = Math.min(all.size(), offset + maxResults);
        ArrayNode list = out.putArray("InstanceInformationList");
        all.subList(offset, end).forEach(list::add);
        if (end < all.size()) {
            out.put("NextToken", java.util.Base64.getEncoder().encodeToString(("DescribeInstanceInformation:" + end)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    /** Adds the values of the {@code InstanceIds} filters in {@code filters} to {@code wanted}, validated. */
    private static void instanceIdFilter(JsonNode filters, String keyField, String valuesField, List<String> wanted) {
        for (JsonNode f : filters) {
            String key = f.path(keyField).asText("");
            if (!"InstanceIds".equals(key)) {
                throw new Ec2Exception("InvalidFilterKey", "The emulator answers DescribeInstanceInformation filtered by"
                        + " InstanceIds only; got the key '" + key + "'.");
            }
            JsonNode values = f.path(valuesField);
            if (!values.isArray() || values.isEmpty() || values.size() > INFO_FILTER_VALUES) {
                throw new Ec2Exception("ValidationException", "1 validation error detected: Value at 'filters."
                        + valuesField + "' failed to satisfy constraint: Member must have length between 1 and "
                        + INFO_FILTER_VALUES);
            }
            for (JsonNode v : values) {
                if (!MANAGED_NODE_ID.matcher(v.asText()).matches()) {
                    throw new Ec2Exception("InvalidInstanceId", "Invalid instance id " + v.asText());
                }
                wanted.add(v.asText());
            }
        }
    }

    private static int infoOffset(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            String decoded = new String(java.util.Base64.getDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8);
            if (decoded.startsWith("DescribeInstanceInformation:")) {
                return Integer.parseInt(decoded.substring("DescribeInstanceInformation:".length()));
            }
        } catch (IllegalArgumentException e) {
            // not one of ours
        }
        throw new Ec2Exception("InvalidNextToken", "The specified token isn't valid.");
    }

    // -------------------------------------------------------------- service settings

    /**
     * Only the Default Host Management setting; its id may be given as the path or as the
     * setting's ARN (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetServiceSetting.html).
     */
    private static void requireDhmc(String settingId) {
        if (!settingId.equals(DHMC_SETTING) && !settingId.endsWith(":servicesetting" + DHMC_SETTING)) {
            throw new Ec2Exception("ServiceSettingNotFound", "The specified service setting wasn't found: " + settingId);
        }
    }

    private void getServiceSetting(JsonNode in, ObjectNode out) {
        requireDhmc(required(in, "SettingId"));
        settingJson(out.putObject("ServiceSetting"));
    }

    private void settingJson(ObjectNode s) {
        s.put("SettingId", DHMC_SETTING)
                .put("SettingValue", model.defaultHostManagementRole() == null ? DHMC_OFF : model.defaultHostManagementRole())
                .put("LastModifiedDate", (dhmcModifiedAt == null ? model.now() : dhmcModifiedAt).toEpochMilli() / 1000.0)
                .put("LastModifiedUser", "System")
                .put("ARN", "arn:aws:ssm:" + Ec2Model.REGION + ":" + Ec2Model.ACCOUNT_ID + ":servicesetting" + DHMC_SETTING)
                .put("Status", dhmcModifiedAt == null ? "Default" : "Customized");
    }

    /** The value is the name (with path) of the role instances use, or $None to turn it off. */
    private void updateServiceSetting(JsonNode in) {
        requireDhmc(required(in, "SettingId"));
        String value = required(in, "SettingValue");
        if (!value.equals(DHMC_OFF) && !value.matches("[\\w+=,.@/-]{1,512}")) {
            throw new Ec2Exception("ValidationException", "SettingValue " + value + " is not a role name or $None.");
        }
        model.setDefaultHostManagement(value.equals(DHMC_OFF) ? null : value, model.now());
        dhmcModifiedAt = model.now();
    }

    private void resetServiceSetting(JsonNode in, ObjectNode out) {
        requireDhmc(required(in, "SettingId"));
        model.setDefaultHostManagement(null, model.now());
        dhmcModifiedAt = null;
        settingJson(out.putObject("ServiceSetting"));
    }

    private void getParameter(JsonNode in, ObjectNode out) {
        String name = required(in, "Name");
        String value = model.publicParameter(name).orElse(null);
        if (value == null) {
            throw new Ec2Exception("ParameterNotFound", "Parameter " + name + " not found.");
        }
        out.putObject("Parameter").put("Name", name).put("Type", "String").put("Value", value).put("Version", 1)
                .put("LastModifiedDate", model.now().toEpochMilli() / 1000.0)
                .put("ARN", "arn:aws:ssm:" + Ec2Model.REGION + "::parameter" + name).put("DataType", "text");
    }
}
