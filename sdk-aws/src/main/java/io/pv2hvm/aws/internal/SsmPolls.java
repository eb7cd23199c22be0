package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.AwsCallException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CommandFilter;
import software.amazon.awssdk.services.ssm.model.CommandFilterKey;
import software.amazon.awssdk.services.ssm.model.CommandInvocation;
import software.amazon.awssdk.services.ssm.model.DescribeInstanceInformationResponse;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;
import software.amazon.awssdk.services.ssm.model.ListCommandInvocationsResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SSM poll rounds a fleet shares on one account's SSM client (a lone transport is a fleet of
 * one): the state of every Run Command invocation some transport waits for, and the agent status
 * of every worker some transport waits to come online. Per round, one call (and its pages) answers
 * all of them, so SSM calls grow with rounds, not with migrations ({@link SharedDescribe}).
 *
 * <p><b>Commands.</b> A round of one invocation is its GetCommandInvocation, whose answer already
 * holds the output (nothing shared, nothing to add). A round of several lists them with
 * ListCommandInvocations, filtered to the document and to invocations requested since the oldest
 * one watched ({@code InvokedAfter} on SSM's own clock: the watch's {@code RequestedDateTime}),
 * {@value #LIST_PAGE} a page, the most SSM returns, every page read
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListCommandInvocations.html,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CommandFilter.html). Without
 * {@code Details} the list carries no output, so a waiter that sees its invocation finished fetches
 * that one with GetCommandInvocation. An invocation not listed is "not registered yet": SSM answers
 * an empty list for a command it does not know yet (https://github.com/aws/aws-cli/issues/3546), as
 * GetCommandInvocation answers InvocationDoesNotExist.
 *
 * <p><b>Agents.</b> DescribeInstanceInformation with an {@code InstanceIds} filter of at most
 * {@value #AGENT_IDS} values, {@value #AGENT_PAGE} a page (the API's limits: 1 to 100 values per
 * filter, MaxResults 5 to 50:
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_InstanceInformationStringFilter.html,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html).
 * A worker not listed has not registered.
 */
public final class SsmPolls {
    /** The document every pv2hvm command runs. */
    public static final String DOCUMENT = "AWS-RunShellScript";
    /** ListCommandInvocations' largest page. */
    static final int LIST_PAGE = 50;
    /** Values of DescribeInstanceInformation's InstanceIds filter in one request. */
    static final int AGENT_IDS = 100;
    /** DescribeInstanceInformation's largest page. */
    static final int AGENT_PAGE = 50;
    /**
     * How much further apart a fleet's agent rounds are than its command rounds: a new worker's
     * agent registers only after the instance has booted (tens of seconds), and a fleet nearly
     * always has a worker booting, so rounds every interval ran for the whole run; seeing an
     * agent a few seconds later costs a worker's launch little, and no downtime window waits for it.
     * A single migration polls as before (rounds are spaced only when several watch).
     */
    static final int AGENT_SPACING = 2;

    /**
     * What a round says about one invocation: its status, and when the round was its own
     * GetCommandInvocation, that answer (output included).
     *
     * @param status SSM's status, e.g. {@code InProgress}, {@code Success}
     * @param answer the GetCommandInvocation answer, or null when the status came from a list
     */
    public record Invocation(String status, GetCommandInvocationResponse answer) {
    }

    private final SharedDescribe<Invocation> invocations;
    private final SharedDescribe<String> agents;
    /** When SSM says each watched invocation's command was requested, by {@link #key}. */
    private final Map<String, Instant> requested = new ConcurrentHashMap<>();

    /** Rounds on {@code ssm}, at most {@code interval} apart once several migrations watch. */
    public SsmPolls(SsmClient ssm, Duration interval) {
        Objects.requireNonNull(ssm, "ssm");
        this.invocations = new SharedDescribe<>(SsmAction.LIST_COMMAND_INVOCATIONS, interval,
                (keys, leader, owners) -> keys.size() == 1 ? single(ssm, keys.get(0), leader, owners)
                        : listed(ssm, keys, leader, owners));
        this.agents = new SharedDescribe<>(SsmAction.DESCRIBE_INSTANCE_INFORMATION, interval.multipliedBy(AGENT_SPACING),
                (ids, leader, owners) -> {
            Map<String, String> found = new HashMap<>();
            for (int i = 0; i < ids.size(); i += AGENT_IDS) {
                List<String> chunk = ids.subList(i, Math.min(ids.size(), i + AGENT_IDS));
                String token = null;
                do {
                    String next = token;
                    DescribeInstanceInformationResponse page = leader.callShared(SsmAction.DESCRIBE_INSTANCE_INFORMATION, () ->
                            ssm.describeInstanceInformation(r -> r.filters(InstanceInformationStringFilter.builder()
                                    .key("InstanceIds").values(chunk).build()).maxResults(AGENT_PAGE).nextToken(next)),
                            owners);
                    page.instanceInformationList().forEach(info -> found.put(info.instanceId(), info.pingStatusAsString()));
                    token = page.nextToken();
                } while (token != null && !token.isEmpty());
            }
            return found;
        });
    }

    /** The agent status rounds: PingStatus by instance id. */
    public SharedDescribe<String> agents() {
        return agents;
    }

    /** The invocation rounds, keyed by {@link #key}. */
    public SharedDescribe<Invocation> invocations() {
        return invocations;
    }

    /**
     * Starts watching the invocation of {@code commandId} on {@code instanceId}, whose command SSM
     * says it received at {@code requestedAt}, for the migration counted by {@code owner}.
     */
    public CommandWatch watchCommand(String commandId, String instanceId, Instant requestedAt, AwsCalls owner) {
        String key = key(commandId, instanceId);
        requested.put(key, requestedAt);
        return new CommandWatch(invocations.watch(key, owner), key);
    }

    /** The rounds' key of an invocation. */
    static String key(String commandId, String instanceId) {
        return commandId + "/" + instanceId;
    }

    /** One invocation watched by one transport; {@link #close()} ends it. */
    public final class CommandWatch implements AutoCloseable {
        private final SharedDescribe.Watch watch;
        private final String key;

        private CommandWatch(SharedDescribe.Watch watch, String key) {
            this.watch = watch;
            this.key = key;
        }

        /** The shared watch, to look through {@link SsmPolls#invocations()}. */
        public SharedDescribe.Watch watch() {
            return watch;
        }

        @Override
        public void close() {
            watch.close();
            requested.remove(key);
        }
    }

    /** A round of one invocation: its GetCommandInvocation (InvocationDoesNotExist: not registered yet). */
    private static Map<String, Invocation> single(SsmClient ssm, String key, AwsCalls leader, List<AwsCalls> owners) {
        String[] ids = key.split("/", 2);
        try {
            GetCommandInvocationResponse answer = leader.callShared(SsmAction.GET_COMMAND_INVOCATION, () ->
                    ssm.getCommandInvocation(r -> r.commandId(ids[0]).instanceId(ids[1])), owners);
            return Map.of(key, new Invocation(answer.statusAsString(), answer));
        } catch (AwsCallException e) {
            if ("InvocationDoesNotExist".equals(e.errorCode())) {
                return Map.of();
            }
            throw e;
        }
    }

    /** A round of several invocations: the document's invocations since the oldest watched one, every page. */
    private Map<String, Invocation> listed(SsmClient ssm, List<String> keys, AwsCalls leader, List<AwsCalls> owners) {
        Set<String> wanted = new HashSet<>(keys);
        // InvokedAfter counts from the start of its second: truncating only widens the window.
        Instant since = keys.stream().map(requested::get).filter(Objects::nonNull).min(Instant::compareTo)
                .orElseGet(Instant::now).truncatedTo(ChronoUnit.SECONDS);
        List<CommandFilter> filters = new ArrayList<>(List.of(
                CommandFilter.builder().key(CommandFilterKey.INVOKED_AFTER).value(since.toString()).build(),
                CommandFilter.builder().key(CommandFilterKey.DOCUMENT_NAME).value(DOCUMENT).build()));
        Map<String, Invocation> found = new HashMap<>();
        String token = null;
        do {
            String next = token;
            ListCommandInvocationsResponse page = leader.callShared(SsmAction.LIST_COMMAND_INVOCATIONS, () ->
                    ssm.listCommandInvocations(r -> r.filters(filters).maxResults(LIST_PAGE).nextToken(next)), owners);
            for (CommandInvocation inv : page.commandInvocations()) {
                String key = key(inv.commandId(), inv.instanceId());
                if (wanted.contains(key)) {
                    found.put(key, new Invocation(inv.statusAsString(), null));
                }
            }
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
        return found;
    }
}
