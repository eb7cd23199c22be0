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
 * instances, agent presence, and public parameters. Commands run through a pluggable
 * {@link SsmCommandExecutor} on a background thread; the invocation shows Pending for the
 * dispatch latency, InProgress until both the executor has finished and the run latency has
 * passed, then its final status.
 */
public final class SsmService {

    /** GetCommandInvocation keeps the first 24,000 characters of stdout and 8,000 of stderr
     * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html). */
    static final int STDOUT_LIMIT = 24_000;
    static final int STDERR_LIMIT = 8_000;
    /** ListCommandInvocations' plugin Output keeps 2,500 characters (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CommandPlugin.html). */
    static final int PLUGIN_OUTPUT_LIMIT = 2_500;

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
        Instant executionStart;
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

    public SsmService(Ec2Model model, ExecutorService background, SsmCommandExecutor executor) {
        this.model = model;
        this.background = background;
        this.executor = executor;
    }

    public void executor(SsmCommandExecutor e) {
        this.executor = e;
    }

    public HttpAnswer handle(String operation, String body) {
        try {
            JsonNode in = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
            ObjectNode out = JSON.createObjectNode();
            model.lock.lock();
            try {
                model.scheduler.advance();
                switch (operation) {
                    case "SendCommand" -> sendCommand(in, out);
                    case "GetCommandInvocation" -> getCommandInvocation(in, out);
                    case "ListCommandInvocations" -> listCommandInvocations(in, out);
                    case "CancelCommand" -> cancelCommand(in);
                    case "DescribeInstanceInformation" -> describeInstanceInformation(in, out);
                    case "GetParameter" -> getParameter(in, out);
                    default -> throw new Ec2Exception("UnknownOperationException", "Unknown operation " + operation);
                }
            } finally {
                model.lock.unlock();
            }
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

    private boolean online(InstanceRecord i) {
        return i.ssmAgent && i.state.equals("running") && i.runningSince != null
                && !model.now().isBefore(i.runningSince.plus(model.latency.scaled(model.latency.ssmAgentOnline())));
    }

    // -------------------------------------------------------------- Run Command

    private void sendCommand(JsonNode in, ObjectNode out) {
        String document = required(in, "DocumentName");
        List<String> instanceIds = new ArrayList<>();
        in.path("InstanceIds").forEach(n -> instanceIds.add(n.asText()));
        if (instanceIds.isEmpty()) {
            throw new Ec2Exception("ValidationException", "InstanceIds or Targets must be specified");
        }
        // An instance whose agent is not online is refused with InvalidInstanceId
        // (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html).
        for (String id : instanceIds) {
            InstanceRecord i = model.instances.get(id);
            if (i == null || !model.visible(i.createdAt) || !online(i)) {
                throw new Ec2Exception("InvalidInstanceId", "Instances [[" + id + "]] not in a valid state for account " + Ec2Model.ACCOUNT_ID);
            }
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        in.path("Parameters").properties().forEach(e -> {
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            params.put(e.getKey(), values);
        });
        Command c = new Command();
        c.commandId = UUID.nameUUIDFromBytes(model.ids.hex(32).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        c.documentName = document;
        c.comment = text(in, "Comment");
        c.parameters = params;
        c.requestedAt = model.now();
        long timeoutSeconds = params.containsKey("executionTimeout") ? Long.parseLong(params.get("executionTimeout").get(0)) : 3600;
        c.timeout = Duration.ofSeconds(timeoutSeconds);
        commands.put(c.commandId, c);
        SsmCommandExecutor exec = executor;
        for (String id : instanceIds) {
            Invocation inv = new Invocation();
            inv.instanceId = id;
            inv.dispatchAt = model.now().plus(model.latency.scaled(model.latency.ssmDispatch()));
            inv.minEndAt = inv.dispatchAt.plus(model.latency.scaled(model.latency.ssmRun()));
            Map<String, String> volumes = new LinkedHashMap<>();
            model.volumesOf(id).forEach(v -> volumes.put(v.device, v.id));
            SsmCommand command = new SsmCommand(c.commandId, id, document, params.getOrDefault("commands", List.of()),
                    c.timeout, Map.copyOf(params), disksOf(id), Map.copyOf(volumes), model.instances.get(id).hypervisor);
            inv.future = background.submit(() -> {
                try {
                    inv.result = exec.execute(command);
                } catch (Throwable t) {
                    inv.failure = t;
                } finally {
                    inv.finishedAt = model.clock.instant();
                }
            });
            c.invocations.put(id, inv);
        }
        ObjectNode cmd = out.putObject("Command");
        commandJson(cmd, c);
    }

    private Map<String, Path> disksOf(String instanceId) {
        Map<String, Path> disks = new LinkedHashMap<>();
        for (VolumeRecord v : model.volumesOf(instanceId)) {
            if (v.diskImage != null) {
                disks.put(v.device, v.diskImage);
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
        cmd.put("Status", status).put("StatusDetails", status);
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

    private String status(Invocation inv) {
        Instant now = model.now();
        if (inv.cancelled) {
            return "Cancelled";
        }
        if (now.isBefore(inv.dispatchAt)) {
            return "Pending";
        }
        if (inv.finishedAt == null || now.isBefore(inv.minEndAt)) {
            return "InProgress";
        }
        if (inv.failure != null) {
            return "Failed";
        }
        return inv.result.exitCode() == 0 ? "Success" : inv.result.exitCode() == 124 ? "TimedOut" : "Failed";
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
        out.put("Status", status).put("StatusDetails", status);
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
        return inv.failure != null ? 1 : inv.result.exitCode();
    }

    private static String stdout(Invocation inv) {
        return inv.failure != null || inv.result.stdout() == null ? "" : inv.result.stdout();
    }

    private static String stderr(Invocation inv) {
        if (inv.failure != null) {
            return String.valueOf(inv.failure);
        }
        return inv.result.stderr() == null ? "" : inv.result.stderr();
    }

    private static String truncate(String s, int limit) {
        return s.length() <= limit ? s : s.substring(0, limit);
    }

    private void listCommandInvocations(JsonNode in, ObjectNode out) {
        String commandId = text(in, "CommandId");
        String instanceId = text(in, "InstanceId");
        boolean details = in.path("Details").asBoolean(false);
        ArrayNode list = out.putArray("CommandInvocations");
        for (Command c : commands.values()) {
            if ((commandId != null && !commandId.equals(c.commandId)) || !model.visible(c.requestedAt)) {
                continue;
            }
            for (Invocation inv : c.invocations.values()) {
                if (instanceId != null && !instanceId.equals(inv.instanceId)) {
                    continue;
                }
                String status = status(inv);
                ObjectNode n = list.addObject();
                n.put("CommandId", c.commandId).put("InstanceId", inv.instanceId).put("DocumentName", c.documentName)
                        .put("DocumentVersion", "$DEFAULT").put("RequestedDateTime", c.requestedAt.toEpochMilli() / 1000.0)
                        .put("Status", status).put("StatusDetails", status);
                if (details) {
                    ObjectNode plugin = n.putArray("CommandPlugins").addObject();
                    boolean done = isFinal(status) && !inv.cancelled;
                    plugin.put("Name", "aws:runShellScript").put("Status", status).put("StatusDetails", status)
                            .put("ResponseCode", done ? exitCode(inv) : -1)
                            .put("Output", done ? truncate(stdout(inv) + stderr(inv), PLUGIN_OUTPUT_LIMIT) : "");
                }
            }
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

    /** Managed nodes and agent PingStatus (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html). */
    private void describeInstanceInformation(JsonNode in, ObjectNode out) {
        List<String> wanted = new ArrayList<>();
        for (JsonNode f : in.path("Filters")) {
            if ("InstanceIds".equals(f.path("Key").asText())) {
                f.path("Values").forEach(v -> wanted.add(v.asText()));
            }
        }
        for (JsonNode f : in.path("InstanceInformationFilterList")) {
            if ("InstanceIds".equals(f.path("key").asText())) {
                f.path("valueSet").forEach(v -> wanted.add(v.asText()));
            }
        }
        ArrayNode list = out.putArray("InstanceInformationList");
        for (InstanceRecord i : model.instances.values()) {
            if (!wanted.isEmpty() && !wanted.contains(i.id)) {
                continue;
            }
            boolean online = online(i);
            if (online) {
                i.agentSeen = true;
            }
            if (!online && !i.agentSeen) {
                continue;
            }
            if (i.state.equals("terminated")) {
                continue;
            }
            NetworkInterfaceRecord eni = model.enis.get(i.primaryEniId);
            list.addObject().put("InstanceId", i.id).put("PingStatus", online ? "Online" : "ConnectionLost")
                    .put("LastPingDateTime", model.now().toEpochMilli() / 1000.0).put("AgentVersion", "3.3.1142.0")
                    .put("IsLatestVersion", true).put("PlatformType", "Linux").put("PlatformName", "Linux")
                    .put("PlatformVersion", "").put("ResourceType", "EC2Instance")
                    .put("IPAddress", eni == null ? "" : eni.privateIps.get(0))
                    .put("ComputerName", eni == null ? i.id : "ip-" + eni.privateIps.get(0).replace('.', '-') + ".ec2.internal");
        }
    }

    private void getParameter(JsonNode in, ObjectNode out) {
        String name = required(in, "Name");
        String value = model.publicParameters.get(name);
        if (value == null) {
            throw new Ec2Exception("ParameterNotFound", "Parameter " + name + " not found.");
        }
        out.putObject("Parameter").put("Name", name).put("Type", "String").put("Value", value).put("Version", 1)
                .put("LastModifiedDate", model.now().toEpochMilli() / 1000.0)
                .put("ARN", "arn:aws:ssm:" + Ec2Model.REGION + "::parameter" + name).put("DataType", "text");
    }
}
