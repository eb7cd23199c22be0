package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.model.InstanceRecord;
import io.pv2hvm.testkit.internal.model.InstanceTypeCatalog.InstanceType;

import java.util.List;

/**
 * The RunInstances members that shape how an instance behaves rather than what it runs:
 * metadata options, CPU credits, detailed monitoring, tenancy, placement group and stop
 * protection. Validated as a whole before anything is created, so a refused call changes nothing.
 */
final class LaunchAttributes {
    private final String httpTokens;
    private final int hopLimit;
    private final String httpEndpoint;
    private final String metadataTags;
    private final String cpuCredits;
    private final boolean monitoring;
    private final String tenancy;
    private final String placementGroup;
    private final boolean disableApiStop;

    private LaunchAttributes(QueryParams p, InstanceType type, Ec2Model m) {
        // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataOptionsRequest.html
        httpTokens = oneOf(p, "MetadataOptions.HttpTokens", "optional", List.of("optional", "required"));
        httpEndpoint = oneOf(p, "MetadataOptions.HttpEndpoint", "enabled", List.of("enabled", "disabled"));
        metadataTags = oneOf(p, "MetadataOptions.InstanceMetadataTags", "disabled", List.of("enabled", "disabled"));
        Integer hops = p.integer("MetadataOptions.HttpPutResponseHopLimit");
        if (hops != null && (hops < 1 || hops > 64)) {
            throw Ec2Exception.invalidParameterValue("Value (" + hops + ") for parameter HttpPutResponseHopLimit is"
                    + " invalid. Expected an integer between 1 and 64.");
        }
        hopLimit = hops == null ? 1 : hops;
        // CPU credits exist only on burstable types; T2 defaults to standard, T3 and later to unlimited
        // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances-unlimited-mode-concepts.html).
        String credits = p.get("CreditSpecification.CpuCredits");
        String typeDefault = Ec2Model.defaultCpuCredits(type.name());
        if (credits != null) {
            if (!List.of("standard", "unlimited").contains(credits)) {
                throw Ec2Exception.invalidParameterValue("Value (" + credits + ") for parameter CpuCredits is invalid."
                        + " Valid values: standard, unlimited.");
            }
            if (typeDefault == null) {
                throw Ec2Exception.combination("The parameter CreditSpecification is not supported for instance type '"
                        + type.name() + "'; only burstable performance (T) instance types have CPU credits.");
            }
        }
        cpuCredits = credits != null ? credits : typeDefault;
        monitoring = p.bool("Monitoring.Enabled", false);
        // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Placement.html
        tenancy = oneOf(p, "Placement.Tenancy", "default", List.of("default", "dedicated", "host"));
        placementGroup = p.get("Placement.GroupName");
        if (placementGroup != null && !placementGroup.isEmpty() && !m.hasPlacementGroup(placementGroup)) {
            throw new Ec2Exception("InvalidPlacementGroup.Unknown", "The Placement Group '" + placementGroup
                    + "' is unknown.");
        }
        disableApiStop = p.bool("DisableApiStop", false);
    }

    /** Reads and validates the request's attributes for an instance of {@code type}. */
    static LaunchAttributes of(QueryParams p, InstanceType type, Ec2Model m) {
        return new LaunchAttributes(p, type, m);
    }

    /** Gives a newly launched instance these attributes. */
    void applyTo(InstanceRecord i) {
        i.httpTokens = httpTokens;
        i.httpPutResponseHopLimit = hopLimit;
        i.httpEndpoint = httpEndpoint;
        i.instanceMetadataTags = metadataTags;
        i.cpuCredits = cpuCredits;
        i.monitoring = monitoring;
        i.tenancy = tenancy;
        i.placementGroup = placementGroup == null || placementGroup.isEmpty() ? null : placementGroup;
        i.disableApiStop = disableApiStop;
    }

    private static String oneOf(QueryParams p, String name, String fallback, List<String> allowed) {
        String v = p.get(name, fallback);
        if (!allowed.contains(v)) {
            throw Ec2Exception.invalidParameterValue("Value (" + v + ") for parameter " + name + " is invalid."
                    + " Valid values: " + String.join(", ", allowed) + ".");
        }
        return v;
    }
}
