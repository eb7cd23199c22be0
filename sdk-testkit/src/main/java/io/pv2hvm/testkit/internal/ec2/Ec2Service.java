package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.ThrottlingPolicy;
import io.pv2hvm.testkit.internal.http.HttpAnswer;
import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.time.TokenBucket;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers EC2 Query requests: throttling, DryRun, then the action against the model. */
public final class Ec2Service {

    private static final Logger LOG = LoggerFactory.getLogger(Ec2Service.class);

    private final Ec2Model model;
    private final Map<String, Ec2Action> actions = new HashMap<>();
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private volatile ThrottlingPolicy throttling;

    public Ec2Service(Ec2Model model, ThrottlingPolicy throttling) {
        this.model = model;
        this.throttling = throttling;
        new InstanceActions(model).register(actions);
        new VolumeActions(model).register(actions);
        new ImageActions(model).register(actions);
        new NetworkInterfaceActions(model).register(actions);
        new AddressActions(model).register(actions);
        new VpcActions(model).register(actions);
        new SecurityGroupActions(model).register(actions);
        new TagActions(model).register(actions);
    }

    public void throttling(ThrottlingPolicy policy) {
        this.throttling = policy;
        buckets.clear();
    }

    public HttpAnswer handle(QueryParams params, String requestId) {
        String action = params.get("Action");
        try {
            if (action == null || action.isEmpty()) {
                throw new Ec2Exception("MissingAction", "The request must contain the parameter Action");
            }
            Ec2Action handler = actions.get(action);
            if (handler == null) {
                throw new Ec2Exception("InvalidAction", "The action " + action + " is not valid for this web service.");
            }
            String version = params.get("Version");
            if (version != null && !version.equals("2016-11-15")) {
                throw new Ec2Exception("InvalidParameterValue", "Unsupported API version " + version + "; the emulator speaks 2016-11-15");
            }
            throttle(action, params);
            if (params.bool("DryRun", false)) {
                // DryRun answers DryRunOperation when the call would have succeeded
                // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/CommonParameters.html).
                throw new Ec2Exception("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
            }
            XmlWriter out = XmlWriter.response(action, requestId);
            model.locked(() -> {
                model.advance();
                handler.handle(params, out);
            });
            return HttpAnswer.xml(200, out.finish(), null);
        } catch (Ec2Exception e) {
            return HttpAnswer.xml(e.status(), XmlWriter.error(e.code(), e.getMessage(), requestId), e.code());
        } catch (RuntimeException e) {
            LOG.error("emulator bug answering {} {}", action, params, e);
            return HttpAnswer.xml(500, XmlWriter.error("InternalError", "emulator failure: " + e, requestId), "InternalError");
        }
    }

    /** One bucket per action (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html). */
    private void throttle(String action, QueryParams params) {
        ThrottlingPolicy policy = throttling;
        if (!policy.enabled()) {
            return;
        }
        boolean unfiltered = action.startsWith("Describe") && params.asMap().keySet().stream()
                .noneMatch(k -> k.contains(".") || k.equals("MaxResults") || k.equals("NextToken") || k.endsWith("Id"));
        ThrottlingPolicy.Category category = ThrottlingPolicy.categoryOf(action, unfiltered);
        ThrottlingPolicy.Bucket b = policy.bucket(category);
        TokenBucket bucket = buckets.computeIfAbsent(action + "/" + category,
                k -> new TokenBucket(b.capacity(), policy.refillPerClockSecond(category, model.latency().timeScale()),
                        model.clock()));
        if (!bucket.tryTake()) {
            throw new Ec2Exception("RequestLimitExceeded", "Request limit exceeded.", 503);
        }
    }
}
