package io.pv2hvm.testkit.internal.http;

import io.pv2hvm.testkit.internal.model.Ec2Exception;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of one EC2 Query request. Lists arrive flattened ({@code InstanceId.1}),
 * structures nested with dots ({@code BlockDeviceMapping.1.Ebs.SnapshotId}).
 */
public final class QueryParams {

    private final Map<String, String> values;

    public QueryParams(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Parses an {@code application/x-www-form-urlencoded} body or query string. */
    public static QueryParams parse(String form) {
        Map<String, String> map = new LinkedHashMap<>();
        if (form != null && !form.isEmpty()) {
            for (String pair : form.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                map.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
        }
        return new QueryParams(map);
    }

    public Map<String, String> asMap() {
        return values;
    }

    public String get(String name) {
        return values.get(name);
    }

    public String get(String name, String fallback) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    public String required(String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            throw Ec2Exception.missingParameter(name);
        }
        return v;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Boolean bool(String name) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw Ec2Exception.invalidParameterValue("Value (" + v + ") for parameter " + name + " is invalid. Expected: 'true' or 'false'.");
        }
        return Boolean.parseBoolean(v);
    }

    public boolean bool(String name, boolean fallback) {
        Boolean b = bool(name);
        return b == null ? fallback : b;
    }

    public Integer integer(String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw Ec2Exception.invalidParameterValue("Value (" + v + ") for parameter " + name + " is invalid. Expected a number.");
        }
    }

    /** {@code prefix.1}, {@code prefix.2}, ... in index order. */
    public List<String> list(String prefix) {
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        String p = prefix + ".";
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(p)) {
                String rest = e.getKey().substring(p.length());
                if (rest.chars().allMatch(Character::isDigit) && !rest.isEmpty()) {
                    byIndex.put(Integer.parseInt(rest), e.getValue());
                }
            }
        }
        return new ArrayList<>(byIndex.values());
    }

    /** The structures {@code prefix.N.*}, each as its own parameter set with the prefix removed. */
    public List<QueryParams> structs(String prefix) {
        TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
        String p = prefix + ".";
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!e.getKey().startsWith(p)) {
                continue;
            }
            String rest = e.getKey().substring(p.length());
            int dot = rest.indexOf('.');
            if (dot <= 0) {
                continue;
            }
            String idx = rest.substring(0, dot);
            if (!idx.chars().allMatch(Character::isDigit)) {
                continue;
            }
            byIndex.computeIfAbsent(Integer.parseInt(idx), k -> new LinkedHashMap<>()).put(rest.substring(dot + 1), e.getValue());
        }
        List<QueryParams> out = new ArrayList<>();
        byIndex.values().forEach(m -> out.add(new QueryParams(m)));
        return out;
    }

    /** The nested structure {@code prefix.*} (for example {@code Ebs.}). */
    public QueryParams struct(String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        String p = prefix + ".";
        values.forEach((k, v) -> {
            if (k.startsWith(p)) {
                m.put(k.substring(p.length()), v);
            }
        });
        return new QueryParams(m);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The request's filters ({@code Filter.N.Name}, {@code Filter.N.Value.M}). */
    /** Values EC2 accepts in one filter. */
    static final int MAX_FILTER_VALUES = 200;

    public List<Filter> filters() {
        List<Filter> out = new ArrayList<>();
        for (QueryParams f : structs("Filter")) {
            String name = f.get("Name");
            if (name == null) {
                throw Ec2Exception.missingParameter("Filter.Name");
            }
            List<String> values = f.list("Value");
            if (values.size() > MAX_FILTER_VALUES) {
                // EC2 refuses more values in one call: "FilterLimitExceeded: The request uses too many filters
                // or too many filter values" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html);
                // its message names 200 values per call.
                throw new Ec2Exception("FilterLimitExceeded", "The maximum number of filter values specified on a"
                        + " single call is " + MAX_FILTER_VALUES + "; filter " + name + " has " + values.size() + ".");
            }
            out.add(new Filter(name, values));
        }
        return out;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
