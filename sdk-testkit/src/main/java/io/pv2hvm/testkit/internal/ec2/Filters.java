package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.http.Filter;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Applies EC2 filters to one resource. Filters are ANDed, values within a filter ORed;
 * {@code tag:Key}, {@code tag-key} and {@code tag-value} work on every taggable resource.
 * An unknown filter name is an error, as in EC2, so a typo cannot silently match everything.
 */
final class Filters {

    private Filters() {
    }

    /** {@code attribute} answers a filter's values for the resource, or null for an unknown filter. */
    static boolean matches(List<Filter> filters, Map<String, String> tags, Function<String, List<String>> attribute) {
        for (Filter f : filters) {
            List<String> have;
            if (f.name().startsWith("tag:")) {
                String v = tags.get(f.name().substring(4));
                have = v == null ? List.of() : List.of(v);
            } else if (f.name().equals("tag-key")) {
                have = new ArrayList<>(tags.keySet());
            } else if (f.name().equals("tag-value")) {
                have = new ArrayList<>(tags.values());
            } else {
                have = attribute.apply(f.name());
                if (have == null) {
                    throw Ec2Exception.invalidParameterValue("The filter '" + f.name() + "' is invalid");
                }
            }
            if (!f.matches(have)) {
                return false;
            }
        }
        return true;
    }

    static List<String> of(Object... values) {
        List<String> out = new ArrayList<>();
        for (Object v : values) {
            if (v != null) {
                out.add(String.valueOf(v));
            }
        }
        return out;
    }
}
