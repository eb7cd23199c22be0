package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code TagSpecification.N} (tags applied on creation) and {@code Tag.N} lists. */
final class TagSpecifications {

    private TagSpecifications() {
    }

    static Map<String, String> forType(QueryParams p, String resourceType) {
        Map<String, String> out = new LinkedHashMap<>();
        for (QueryParams spec : p.structs("TagSpecification")) {
            if (resourceType.equals(spec.get("ResourceType"))) {
                out.putAll(tags(spec, "Tag"));
            }
        }
        return out;
    }

    static Map<String, String> tags(QueryParams p, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (QueryParams t : p.structs(prefix)) {
            String key = t.get("Key");
            if (key == null || key.isEmpty()) {
                throw Ec2Exception.missingParameter("Tag.Key");
            }
            // The aws: prefix is reserved (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html).
            if (key.toLowerCase().startsWith("aws:")) {
                throw Ec2Exception.invalidParameterValue("Value (" + key + ") for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use");
            }
            out.put(key, t.get("Value", ""));
        }
        return out;
    }
}
