package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.TouchedResource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Evaluates identity-policy Allow statements against a call the emulator recorded, the way IAM
 * does for the subset pv2hvm's policy uses
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * a call is allowed when every resource it touches is allowed, for every action it needs, by some
 * statement whose Action, Resource and every Condition match. Action and Resource take {@code *}
 * and {@code ?} wildcards; conditions take StringEquals, StringLike, Null and
 * ForAnyValue:StringEquals on ec2:ResourceTag/*, ssm:resourceTag/*, aws:RequestTag/*,
 * aws:TagKeys, ec2:CreateAction, iam:PassedToService and kms:ViaService. Anything else in the
 * policy fails the evaluation, so the evaluator never allows what it does not understand.
 *
 * <p>Besides the call's own action, a call that creates resources with tags needs
 * {@code ec2:CreateTags} on them (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html),
 * a named instance profile needs {@code iam:PassRole} on its role, and an encrypted volume the
 * KMS operations EC2 performs for the caller.
 */
final class PolicyEvaluator {

    private static final List<String> KMS_ACTIONS = List.of("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey",
            "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo");

    private final List<JsonNode> statements = new ArrayList<>();

    PolicyEvaluator(JsonNode policy) {
        policy.path("Statement").forEach(s -> {
            if (!"Allow".equals(s.path("Effect").asText())) {
                throw new IllegalArgumentException("only Allow statements are evaluated: " + s);
            }
            statements.add(s);
        });
    }

    /** One authorization IAM makes: an action on a resource in a request context. */
    record Check(String action, String resource, Map<String, List<String>> context) {
        @Override
        public String toString() {
            return action + " on " + resource + " " + context;
        }
    }

    /** The checks of {@code call} no statement allows; empty when the call is allowed. */
    List<Check> denied(RecordedCall call) {
        return checks(call).stream().filter(c -> !allowed(c)).toList();
    }

    /** Every authorization the call needs. */
    static List<Check> checks(RecordedCall call) {
        Map<String, String> requestTags = requestTags(call);
        Map<String, List<String>> request = new LinkedHashMap<>();
        requestTags.forEach((k, v) -> request.put("aws:RequestTag/" + k, List.of(v)));
        if (!requestTags.isEmpty()) {
            request.put("aws:TagKeys", List.copyOf(requestTags.keySet()));
        }
        String action = call.service() + ":" + call.action();
        List<Check> checks = new ArrayList<>();
        String region = "us-east-1";
        for (TouchedResource r : call.resources()) {
            if (r.service().equals("ec2") || r.service().equals("ssm")) {
                region = r.arn().split(":")[3];
            }
        }
        for (TouchedResource r : call.resources()) {
            switch (r.service()) {
                case "iam" -> checks.add(new Check("iam:PassRole", r.arn(),
                        Map.of("iam:PassedToService", List.of("ec2.amazonaws.com"))));
                case "kms" -> {
                    for (String kms : KMS_ACTIONS) {
                        checks.add(new Check(kms, r.arn(), Map.of("kms:ViaService",
                                List.of("ec2." + region + ".amazonaws.com"))));
                    }
                }
                default -> {
                    Map<String, List<String>> context = new LinkedHashMap<>(request);
                    if (!r.created()) {
                        r.tags().forEach((k, v) -> {
                            context.put("ec2:ResourceTag/" + k, List.of(v));
                            context.put("aws:ResourceTag/" + k, List.of(v));
                            context.put("ssm:resourceTag/" + k, List.of(v));
                        });
                    }
                    checks.add(new Check(action, r.arn(), context));
                    if (r.created() && !requestTags.isEmpty()) {
                        Map<String, List<String>> tagging = new LinkedHashMap<>(request);
                        tagging.put("ec2:CreateAction", List.of(call.action()));
                        checks.add(new Check("ec2:CreateTags", r.arn(), tagging));
                    }
                }
            }
        }
        if (checks.stream().noneMatch(c -> c.action().equals(action))) {
            checks.add(new Check(action, "*", request)); // authorized on "*" only
        }
        return checks;
    }

    /** True when some statement allows the check. */
    boolean allowed(Check check) {
        return !allowing(check).isEmpty();
    }

    /** The Sids of the statements that allow the check, each with the policy action that matched it. */
    List<String> allowing(Check check) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : statements) {
            if (matchesAny(s.path("Resource"), check.resource(), false) && conditionHolds(s.path("Condition"), check.context())) {
                for (JsonNode a : s.path("Action")) {
                    if (wildcard(a.asText(), check.action(), true)) {
                        out.add(s.path("Sid").asText() + "/" + a.asText());
                    }
                }
            }
        }
        return out;
    }

    private static boolean matchesAny(JsonNode patterns, String value, boolean ignoreCase) {
        if (patterns.isMissingNode()) {
            throw new IllegalArgumentException("a statement without Action or Resource is not evaluated");
        }
        if (patterns.isTextual()) {
            return wildcard(patterns.asText(), value, ignoreCase);
        }
        for (JsonNode p : patterns) {
            if (wildcard(p.asText(), value, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    /** IAM wildcard matching: {@code *} any run of characters, {@code ?} one character. */
    static boolean wildcard(String pattern, String value, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            regex.append(ch == '*' ? ".*" : ch == '?' ? "." : Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0).matcher(value).matches();
    }

    private static boolean conditionHolds(JsonNode condition, Map<String, List<String>> context) {
        if (condition.isMissingNode()) {
            return true;
        }
        for (var op : (Iterable<Map.Entry<String, JsonNode>>) condition::fields) {
            for (var entry : (Iterable<Map.Entry<String, JsonNode>>) op.getValue()::fields) {
                String key = entry.getKey();
                checkKnownKey(key);
                List<String> wanted = new ArrayList<>();
                if (entry.getValue().isArray()) {
                    entry.getValue().forEach(v -> wanted.add(v.asText()));
                } else {
                    wanted.add(entry.getValue().asText());
                }
                List<String> actual = context.get(key);
                boolean holds = switch (op.getKey()) {
                    case "StringEquals" -> actual != null && actual.size() == 1 && wanted.contains(actual.get(0));
                    case "StringLike" -> actual != null && actual.size() == 1
                            && wanted.stream().anyMatch(w -> wildcard(w, actual.get(0), false));
                    case "ForAnyValue:StringEquals" -> actual != null && actual.stream().anyMatch(wanted::contains);
                    case "Null" -> {
                        if (wanted.size() != 1 || !List.of("true", "false").contains(wanted.get(0))) {
                            throw new IllegalArgumentException("Null takes true or false: " + entry);
                        }
                        yield (actual == null) == Boolean.parseBoolean(wanted.get(0));
                    }
                    default -> throw new IllegalArgumentException("condition operator not evaluated: " + op.getKey());
                };
                if (!holds) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void checkKnownKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (!(k.startsWith("ec2:resourcetag/") || k.startsWith("ssm:resourcetag/") || k.startsWith("aws:requesttag/")
                || k.equals("aws:tagkeys") || k.equals("ec2:createaction") || k.equals("iam:passedtoservice")
                || k.equals("kms:viaservice"))) {
            throw new IllegalArgumentException("condition key not evaluated: " + key);
        }
    }

    /** The tags a request puts on the resources it creates or tags. */
    static Map<String, String> requestTags(RecordedCall call) {
        Map<String, String> tags = new LinkedHashMap<>();
        Map<String, String> p = call.params();
        for (var e : p.entrySet()) {
            String name = e.getKey();
            if (name.endsWith(".Key") && (name.startsWith("TagSpecification.") || name.startsWith("Tag.")
                    || name.startsWith("Tags."))) {
                String prefix = name.substring(0, name.length() - ".Key".length());
                tags.put(e.getValue(), p.getOrDefault(prefix + ".Value", ""));
            }
        }
        return tags;
    }
}
