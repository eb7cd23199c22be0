package io.pv2hvm.testkit.internal.ssm;

import com.fasterxml.jackson.databind.JsonNode;
import io.pv2hvm.testkit.internal.model.Ec2Exception;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request of a ListCommands or ListCommandInvocations call, validated as SSM validates it:
 * CommandId of 36 characters, an InstanceId of the managed-node pattern, 1 to 5 filters with a
 * known key (ExecutionStage for ListCommands only) and a valid value, MaxResults 1 to 50, and a
 * NextToken this listing issued
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListCommands.html,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListCommandInvocations.html,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CommandFilter.html).
 */
final class CommandListing {
    /** SSM documents no default page size; the largest MaxResults is used, so one page holds at most 50. */
    static final int MAX_RESULTS = 50;
    private static final Pattern INSTANCE_ID = Pattern.compile("(i-(\\w{8}|\\w{17}))|(mi-\\w{17})");
    private static final Set<String> COMMAND_STATUSES = Set.of("Pending", "InProgress", "Success", "Cancelled",
            "Failed", "TimedOut", "AccessDenied", "DeliveryTimedOut", "ExecutionTimedOut", "Incomplete",
            "NoInstancesInTag", "LimitExceeded");
    private static final Set<String> INVOCATION_STATUSES = Set.of("Pending", "InProgress", "Delayed", "Success",
            "Cancelled", "Failed", "TimedOut", "AccessDenied", "DeliveryTimedOut", "ExecutionTimedOut", "Undeliverable",
            "InvalidPlatform", "Terminated");

    /** One filter: an item is listed when it passes every one. */
    record Filter(String key, String value) {
    }

    final String operation;
    final String commandId;
    final String instanceId;
    final List<Filter> filters;
    final int maxResults;
    final int offset;

    CommandListing(String operation, JsonNode in) {
        this.operation = operation;
        this.commandId = text(in, "CommandId");
        if (commandId != null && commandId.length() != 36) {
            throw new Ec2Exception("InvalidCommandId", "CommandId must be 36 characters: " + commandId);
        }
        this.instanceId = text(in, "InstanceId");
        if (instanceId != null && !INSTANCE_ID.matcher(instanceId).matches()) {
            throw new Ec2Exception("InvalidInstanceId", "Invalid instance id " + instanceId);
        }
        this.filters = new ArrayList<>();
        JsonNode list = in.path("Filters");
        if (list.isArray() && (list.isEmpty() || list.size() > 5)) {
            throw new Ec2Exception("ValidationException", "1 validation error detected: Value at 'filters' failed to"
                    + " satisfy constraint: Member must have length between 1 and 5");
        }
        for (JsonNode f : list) {
            filters.add(filter(f.path("key").asText(null), f.path("value").asText(null)));
        }
        if (instanceId != null && filters.contains(new Filter("Status", "Pending"))) {
            // "You can't specify a managed node ID in the same command that you specify Status = Pending."
            throw new Ec2Exception("InvalidFilterKey", "A managed node ID can't be specified with Status Pending:"
                    + " the command hasn't reached the node yet.");
        }
        JsonNode max = in.get("MaxResults");
        this.maxResults = max == null || max.isNull() ? MAX_RESULTS : max.asInt();
        if (maxResults < 1 || maxResults > MAX_RESULTS) {
            throw new Ec2Exception("ValidationException", "1 validation error detected: Value '" + maxResults
                    + "' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50");
        }
        this.offset = offset(text(in, "NextToken"));
    }

    private Filter filter(String key, String value) {
        if (key == null || value == null || value.isEmpty()) {
            throw new Ec2Exception("ValidationException", "A command filter needs a key and a value.");
        }
        switch (key) {
            case "InvokedAfter", "InvokedBefore" -> instant(value);
            case "Status" -> {
                Set<String> valid = operation.equals("ListCommands") ? COMMAND_STATUSES : INVOCATION_STATUSES;
                if (!valid.contains(value)) {
                    throw new Ec2Exception("InvalidFilterValue", "Status " + value + " is not one of " + valid);
                }
            }
            case "ExecutionStage" -> {
                if (!operation.equals("ListCommands")) {
                    throw new Ec2Exception("InvalidFilterKey", "The ExecutionStage filter can't be used with "
                            + operation + ", only with ListCommands.");
                }
                if (!value.equals("Executing") && !value.equals("Complete")) {
                    throw new Ec2Exception("InvalidFilterValue", "ExecutionStage is Executing or Complete, not " + value);
                }
            }
            case "DocumentName" -> {
                // any document name
            }
            default -> throw new Ec2Exception("InvalidFilterKey", "The filter key " + key + " is not valid; valid keys"
                    + " are InvokedAfter, InvokedBefore, Status, ExecutionStage and DocumentName.");
        }
        return new Filter(key, value);
    }

    static Instant instant(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new Ec2Exception("InvalidFilterValue", "Not a timestamp like 2024-07-07T00:00:00Z: " + value);
        }
    }

    /** True when an item requested at {@code requestedAt} with this status, stage and document passes every filter. */
    boolean passes(Instant requestedAt, String status, boolean complete, String documentName) {
        for (Filter f : filters) {
            boolean ok = switch (f.key()) {
                case "InvokedAfter" -> !requestedAt.isBefore(instant(f.value()));
                case "InvokedBefore" -> requestedAt.isBefore(instant(f.value()));
                case "Status" -> f.value().equals(status)
                        || f.value().equals("TimedOut") && status.endsWith("TimedOut");
                case "ExecutionStage" -> f.value().equals("Complete") == complete;
                default -> f.value().equals(documentName);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The page of {@code all} this request asks for; sets {@code NextToken} on {@code out} when more follow. */
    <T> List<T> page(List<T> all, com.fasterxml.jackson.databind.node.ObjectNode out) {
        if (offset > all.size()) {
            throw new Ec2Exception("InvalidNextToken", "The specified token isn't valid.");
        }
        int end = Math.min(all.size(), offset + maxResults);
        if (end < all.size()) {
            out.put("NextToken", Base64.getEncoder().encodeToString((operation + ":" + end).getBytes(StandardCharsets.UTF_8)));
        }
        return all.subList(offset, end);
    }

    private int offset(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith(operation + ":")) {
                return Integer.parseInt(decoded.substring(operation.length() + 1));
            }
        } catch (IllegalArgumentException e) {
            // not one of ours
        }
        throw new Ec2Exception("InvalidNextToken", "The specified token isn't valid.");
    }

    private static String text(JsonNode in, String field) {
        JsonNode n = in.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
