package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * MaxResults/NextToken pagination of Describe* results, so the SDK's paginators work
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-pagination.html). Tokens are opaque
 * offsets; a token that does not decode is InvalidPaginationToken.
 */
final class Pages {

    record Page<T>(List<T> items, String nextToken) {
    }

    private static final String PREFIX = "pv2hvm-page:";

    private Pages() {
    }

    /** MaxResults must lie in [min, max]: the actions whose documentation gives a range and nothing more. */
    static <T> Page<T> of(List<T> all, QueryParams p, int min, int max) {
        return page(all, p, min, max, false);
    }

    /**
     * MaxResults of at least {@code min}; a larger value than {@code cap} is accepted and answers
     * {@code cap} items, as DescribeVolumes (cap 500) and DescribeSnapshots (cap 1000) document
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html,
     * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSnapshots.html). The AWS
     * CLI sends MaxResults=1000 for both by default.
     */
    static <T> Page<T> capped(List<T> all, QueryParams p, int min, int cap) {
        return page(all, p, min, cap, true);
    }

    private static <T> Page<T> page(List<T> all, QueryParams p, int min, int max, boolean capAbove) {
        int start = 0;
        String token = p.get("NextToken");
        if (token != null && !token.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new Ec2Exception("InvalidPaginationToken", "The token '" + token + "' is invalid.");
            }
            if (!decoded.startsWith(PREFIX)) {
                throw new Ec2Exception("InvalidPaginationToken", "The token '" + token + "' is invalid.");
            }
            start = Math.min(all.size(), Integer.parseInt(decoded.substring(PREFIX.length())));
        }
        Integer maxResults = p.integer("MaxResults");
        if (maxResults == null) {
            return new Page<>(all.subList(start, all.size()), null);
        }
        if (capAbove && maxResults > max) {
            maxResults = max;
        }
        if (maxResults < min || maxResults > max) {
            throw Ec2Exception.invalidParameterValue("Value ( " + maxResults + " ) for parameter maxResults is invalid. Expecting a value between "
                    + min + " and " + max + ".");
        }
        int end = Math.min(all.size(), start + maxResults);
        String next = end < all.size()
                ? Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + end).getBytes(StandardCharsets.UTF_8)) : null;
        return new Page<>(all.subList(start, end), next);
    }
}
