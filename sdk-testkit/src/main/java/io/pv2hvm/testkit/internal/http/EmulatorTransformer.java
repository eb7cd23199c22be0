package io.pv2hvm.testkit.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.pv2hvm.testkit.Faults;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.RequestJournal;
import io.pv2hvm.testkit.TouchedResource;
import io.pv2hvm.testkit.internal.EmulatorCore;
import io.pv2hvm.testkit.internal.ssm.SsmService;
import io.pv2hvm.testkit.internal.sts.Principals;
import io.pv2hvm.testkit.internal.sts.SsoPortal;
import io.pv2hvm.testkit.internal.sts.StsService;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WireMock extension that turns every request into an EC2 Query call (form body,
 * {@code Action=...}), an STS Query call (the same, with {@code Version=2011-06-15}) or an SSM
 * JSON call ({@code X-Amz-Target: AmazonSSM.<Operation>}), checks the signer's access key,
 * applies injected faults, answers from the model and records the call, with its signer and the
 * resources it touched (with their tags before the call), in the journal.
 */
public final class EmulatorTransformer implements ResponseDefinitionTransformerV2 {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(EmulatorTransformer.class);

    private final Supplier<EmulatorCore> core;
    private final RequestJournal journal;
    private final Faults faults;

    public EmulatorTransformer(Supplier<EmulatorCore> core, RequestJournal journal, Faults faults) {
        this.core = core;
        this.journal = journal;
        this.faults = faults;
    }

    @Override
    public String getName() {
        return "pv2hvm-ec2-emulator";
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        EmulatorCore c = core.get();
        String requestId = UUID.randomUUID().toString();
        boolean ssm = request.containsHeader("X-Amz-Target");
        String action;
        Map<String, String> params;
        String body = request.getBodyAsString();
        if (ssm) {
            String target = request.getHeader("X-Amz-Target");
            action = target.substring(target.indexOf('.') + 1);
            params = flattenJson(body);
        } else {
            String form = body == null || body.isEmpty() ? queryString(request.getUrl()) : body;
            params = QueryParams.parse(form).asMap();
            action = params.getOrDefault("Action", "");
        }
        boolean sso = request.getUrl().startsWith(SsoPortal.PATH);
        if (sso) {
            action = "GetRoleCredentials";
            params = QueryParams.parse(queryString(request.getUrl())).asMap();
        }
        String service = ssm ? "ssm" : sso ? "sso" : StsService.VERSION.equals(params.get("Version")) ? "sts" : "ec2";
        String accessKeyId = accessKeyId(request, params);
        // AssumeRoleWithWebIdentity and the SSO portal are unsigned by design (a JWT, a bearer token).
        boolean unsigned = sso || "sts".equals(service) && accessKeyId == null && "AssumeRoleWithWebIdentity".equals(action);
        Principals.Refusal refusal = unsigned ? null : c.principals.check(accessKeyId, sessionToken(request, params));
        Optional<Faults.Injection> injection = refusal != null ? Optional.empty() : faults.draw(action);
        Duration delay = faults.delayFor(action);
        List<TouchedResource> touched = refusal != null ? List.of() : TouchedResources.of(c.model, service, action, params);
        HttpAnswer answer;
        if (refusal != null) {
            answer = refused(service, refusal, requestId);
        } else if (injection.isPresent() && injection.get() instanceof Faults.Reset) {
            journal.record(new RecordedCall(c.model.clock().instant(), service, action, params, 0, "ConnectionReset",
                    accessKeyId, false, touched));
            return ResponseDefinitionBuilder.responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
        } else if (injection.isPresent() && injection.get() instanceof Faults.LostResponse lost) {
            return loseResponse(c, service, action, params, body, requestId, accessKeyId, lost, touched);
        } else if (injection.isPresent() && injection.get() instanceof Faults.Raw raw) {
            answer = new HttpAnswer(raw.status(), raw.contentType(), raw.body(), null);
        } else if (injection.isPresent() && injection.get() instanceof Faults.Fail f) {
            answer = ssm ? SsmService.error(f.status(), f.code(), f.message())
                    : HttpAnswer.xml(f.status(), XmlWriter.error(f.code(), f.message(), requestId), f.code());
        } else if (ssm) {
            answer = c.ssm.handle(action, body);
        } else if (sso) {
            answer = c.sso.getRoleCredentials(params, request.containsHeader("x-amz-sso_bearer_token")
                    ? request.getHeader("x-amz-sso_bearer_token") : null);
        } else if ("sts".equals(service)) {
            answer = c.sts.handle(new QueryParams(params), accessKeyId, requestId);
        } else {
            answer = c.ec2.handle(new QueryParams(params), requestId);
        }
        journal.record(new RecordedCall(c.model.clock().instant(), service, action, params, answer.status(),
                answer.errorCode(), accessKeyId, false, touched));
        LOG.debug("{} {} -> {} {}", service, action, answer.status(), answer.errorCode() == null ? "" : answer.errorCode());
        ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(answer.status())
                .withHeader("Content-Type", answer.contentType())
                .withHeader("x-amzn-RequestId", requestId)
                .withBody(answer.body());
        if (sso && answer.errorCode() != null) {
            b.withHeader("x-amzn-ErrorType", answer.errorCode()); // REST-JSON errors name their type here
        }
        if (!delay.isZero()) {
            b.withFixedDelay((int) delay.toMillis());
        }
        return b.build();
    }

    /**
     * Lets the model act on the request, then answers what {@code lost} says the client sees
     * instead (a 5xx error or a reset connection). The journal records what the client saw and
     * whether the call took effect.
     */
    private ResponseDefinition loseResponse(EmulatorCore c, String service, String action, Map<String, String> params,
                                            String body, String requestId, String accessKeyId, Faults.LostResponse lost,
                                            List<TouchedResource> touched) {
        HttpAnswer done = switch (service) {
            case "ssm" -> c.ssm.handle(action, body);
            case "ec2" -> c.ec2.handle(new QueryParams(params), requestId);
            default -> throw new IllegalStateException("lost responses are injected into EC2 and SSM calls only, not "
                    + service + " " + action);
        };
        boolean tookEffect = done.errorCode() == null && done.status() >= 200 && done.status() < 300;
        if (lost.seen() instanceof Faults.Fail f) {
            journal.record(new RecordedCall(c.model.clock().instant(), service, action, params, f.status(), f.code(),
                    accessKeyId, tookEffect, touched));
            // SSM names its server fault InternalServerError (https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html).
            HttpAnswer seen = "ssm".equals(service)
                    ? SsmService.error(f.status(), "InternalError".equals(f.code()) ? "InternalServerError" : f.code(), f.message())
                    : HttpAnswer.xml(f.status(), XmlWriter.error(f.code(), f.message(), requestId), f.code());
            return ResponseDefinitionBuilder.responseDefinition().withStatus(seen.status())
                    .withHeader("Content-Type", seen.contentType()).withHeader("x-amzn-RequestId", requestId)
                    .withBody(seen.body()).build();
        }
        journal.record(new RecordedCall(c.model.clock().instant(), service, action, params, 0, "ConnectionReset",
                accessKeyId, tookEffect, touched));
        return ResponseDefinitionBuilder.responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
    }

    /**
     * The answer to a request whose credentials are refused, with each service's documented code:
     * EC2 https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (AuthFailure,
     * RequestExpired), STS https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
     * (InvalidClientTokenId, ExpiredToken), SSM
     * https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html
     * (UnrecognizedClientException, ExpiredTokenException).
     */
    private static HttpAnswer refused(String service, Principals.Refusal refusal, String requestId) {
        boolean expired = refusal == Principals.Refusal.EXPIRED;
        return switch (service) {
            case "ssm" -> expired
                    ? SsmService.error(400, "ExpiredTokenException", "The security token included in the request is expired")
                    : SsmService.error(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
            case "sts" -> expired
                    ? StsService.error(400, "ExpiredToken", "The security token included in the request is expired", requestId)
                    : StsService.error(403, "InvalidClientTokenId", "The security token included in the request is invalid.", requestId);
            default -> expired
                    ? HttpAnswer.xml(400, XmlWriter.error("RequestExpired", "Request has expired.", requestId), "RequestExpired")
                    : HttpAnswer.xml(401, XmlWriter.error("AuthFailure",
                            "AWS was not able to validate the provided access credentials", requestId), "AuthFailure");
        };
    }

    /** The access key id of a SigV4 signature: header {@code Authorization: ... Credential=AKID/date/region/service/aws4_request}, or presigned {@code X-Amz-Credential}. */
    static String accessKeyId(Request request, Map<String, String> params) {
        String auth = request.containsHeader("Authorization") ? request.getHeader("Authorization") : null;
        String credential = null;
        if (auth != null) {
            int at = auth.indexOf("Credential=");
            if (at >= 0) {
                credential = auth.substring(at + "Credential=".length());
            }
        } else {
            credential = params.get("X-Amz-Credential");
        }
        if (credential == null) {
            return null;
        }
        int slash = credential.indexOf('/');
        return slash > 0 ? credential.substring(0, slash) : null;
    }

    private static String sessionToken(Request request, Map<String, String> params) {
        String header = request.containsHeader("X-Amz-Security-Token") ? request.getHeader("X-Amz-Security-Token") : null;
        return header != null ? header : params.get("X-Amz-Security-Token");
    }

    private static String queryString(String url) {
        int q = url.indexOf('?');
        return q < 0 ? "" : url.substring(q + 1);
    }

    /** SSM members flattened like Query parameters, for the journal ({@code InstanceIds.1}). */
    static Map<String, String> flattenJson(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isBlank()) {
            return out;
        }
        try {
            flatten("", JSON.readTree(body), out);
        } catch (IOException e) {
            out.put("", body);
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            n.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(prefix + "." + (i + 1), n.get(i), out);
            }
        } else {
            out.put(prefix, n.asText());
        }
    }
}
