package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.http.Filter;
import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** CreateTags, DeleteTags, DescribeTags (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html). */
final class TagActions {

    private final Ec2Model m;

    TagActions(Ec2Model model) {
        this.m = model;
    }

    void register(Map<String, Ec2Action> actions) {
        actions.put("CreateTags", this::createTags);
        actions.put("DeleteTags", this::deleteTags);
        actions.put("DescribeTags", this::describeTags);
    }

    private void createTags(QueryParams p, XmlWriter out) {
        List<String> ids = p.list("ResourceId");
        if (ids.isEmpty()) {
            throw Ec2Exception.missingParameter("ResourceId");
        }
        Map<String, String> tags = TagSpecifications.tags(p, "Tag");
        if (tags.isEmpty()) {
            throw Ec2Exception.missingParameter("Tag");
        }
        // Every resource must exist and have room before any is tagged, so a failed call changes nothing.
        ids.forEach(m::requireTaggable);
        for (String id : ids) {
            Map<String, String> merged = new java.util.HashMap<>(m.tagsOf(id));
            merged.putAll(tags);
            if (merged.size() > 50) {
                throw new Ec2Exception("TagLimitExceeded", "The maximum number of Tags for resource " + id + " has been reached.");
            }
        }
        ids.forEach(id -> m.putTags(id, tags));
        out.text("return", true);
    }

    private void deleteTags(QueryParams p, XmlWriter out) {
        List<String> ids = p.list("ResourceId");
        if (ids.isEmpty()) {
            throw Ec2Exception.missingParameter("ResourceId");
        }
        ids.forEach(m::requireTaggable);
        List<QueryParams> tags = p.structs("Tag");
        for (String id : ids) {
            if (!m.hasTags(id)) {
                continue;
            }
            if (tags.isEmpty()) {
                m.clearTags(id);
            }
            for (QueryParams tag : tags) {
                String key = tag.required("Key");
                // A value given deletes the tag only when it matches.
                m.removeTag(id, key, tag.has("Value") ? tag.get("Value") : null);
            }
        }
        out.text("return", true);
    }

    private record Row(String resourceId, String key, String value) {
    }

    private void describeTags(QueryParams p, XmlWriter out) {
        List<Filter> filters = p.filters();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : m.allTags().entrySet()) {
            for (Map.Entry<String, String> t : e.getValue().entrySet()) {
                rows.add(new Row(e.getKey(), t.getKey(), t.getValue()));
            }
        }
        rows.removeIf(r -> !Filters.matches(filters, Map.of(), name -> switch (name) {
            case "resource-id" -> List.of(r.resourceId);
            case "resource-type" -> List.of(Ec2Model.resourceType(r.resourceId));
            case "key" -> List.of(r.key);
            case "value" -> List.of(r.value);
            default -> null;
        }));
        Pages.Page<Row> page = Pages.of(rows, p, 5, 1000);
        out.items("tagSet", page.items(), r -> out.text("resourceId", r.resourceId)
                .text("resourceType", Ec2Model.resourceType(r.resourceId)).text("key", r.key).text("value", r.value));
        out.text("nextToken", page.nextToken());
    }
}
