package io.pv2hvm.testkit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * Failures the emulator injects before a request reaches the model: error answers (at a
 * rate or for the next N calls), answers that are no AWS error document at all (an HTML page,
 * a truncated body), connection resets and response delays; and after it: lost responses
 * (the call takes effect, the client sees a 5xx or a reset), per action
 * ({@code "RunInstances"}, {@code "SendCommand"}) or for every action ({@code "*"}).
 * Random draws use a seeded generator so a failing run can be replayed. Thread-safe.
 */
public final class Faults {

    /** What to do with one request. */
    public sealed interface Injection permits Fail, Reset, Raw, LostResponse {
    }

    /** Answer with an error code, message and HTTP status instead of calling the model. */
    public record Fail(String code, String message, int status) implements Injection {
    }

    /** Drop the connection without an answer. */
    public record Reset() implements Injection {
    }

    /**
     * Answer with a body that is not an AWS error document: what a proxy, a load balancer or a
     * VPC endpoint in the path sends (an HTML page), or a body cut off mid-way. The SDK then has
     * no error code, only the HTTP status.
     */
    public record Raw(int status, String contentType, String body) implements Injection {
        /** Validates the answer. */
        public Raw {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("HTTP status must be within 100..599: " + status);
            }
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * The call takes effect in the model, then its answer is lost: the client sees {@code seen}
     * (a 5xx or a reset connection) although the resource was created or changed, as when EC2
     * completes a request whose response never reaches the caller
     * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html).
     */
    public record LostResponse(Injection seen) implements Injection {
        /** Validates that the client sees a server error or a reset. */
        public LostResponse {
            Objects.requireNonNull(seen, "seen");
            boolean serverError = seen instanceof Fail f && f.status() >= 500;
            if (!(seen instanceof Reset) && !serverError) {
                throw new IllegalArgumentException("a lost response is seen as a 5xx error or a reset, not " + seen);
            }
        }
    }

    /** A proxy's HTML error page with HTTP {@code status} (e.g. 502 Bad Gateway), without any AWS error code. */
    public static Raw htmlPage(int status) {
        String reason = switch (status) {
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Temporarily Unavailable";
            case 504 -> "Gateway Time-out";
            default -> "Error";
        };
        return new Raw(status, "text/html", "<html>\r\n<head><title>" + status + " " + reason + "</title></head>\r\n"
                + "<body>\r\n<center><h1>" + status + " " + reason + "</h1></center>\r\n<hr><center>nginx</center>\r\n"
                + "</body>\r\n</html>\r\n");
    }

    /** An EC2 error document cut off mid-way (a truncated body), with HTTP {@code status}. */
    public static Raw malformedXml(int status) {
        return new Raw(status, "text/xml;charset=UTF-8", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors>"
                + "<Error><Code>Internal");
    }

    private record Rate(double probability, Injection injection) {
    }

    private final Random random;
    private final Map<String, Rate> rates = new HashMap<>();
    private final Map<String, Deque<Injection>> next = new HashMap<>();
    private final Map<String, Duration> delays = new HashMap<>();
    /** Per action: how many calls were drawn, and injections for given call numbers. */
    private final Map<String, Integer> drawn = new HashMap<>();
    private final Map<String, Map<Integer, Injection>> atCall = new HashMap<>();

    /** Faults drawing from a generator seeded with {@code seed}. */
    public Faults(long seed) {
        this.random = new Random(seed);
    }

    /** Fails a fraction {@code probability} (0..1) of {@code action} calls with {@code code}. */
    public synchronized Faults errorRate(String action, double probability, String code) {
        rates.put(action, new Rate(check(probability), new Fail(code, "Injected fault", statusFor(code))));
        return this;
    }

    /** Resets the connection for a fraction {@code probability} of {@code action} calls. */
    public synchronized Faults connectionResetRate(String action, double probability) {
        rates.put(action, new Rate(check(probability), new Reset()));
        return this;
    }

    /** Fails the next {@code times} calls of {@code action} with {@code code}. */
    public synchronized Faults failNext(String action, int times, String code, String message) {
        Deque<Injection> q = next.computeIfAbsent(action, a -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            q.add(new Fail(code, message, statusFor(code)));
        }
        return this;
    }

    /**
     * Fails the next {@code times} calls of {@code action} with {@code code} and an explicit HTTP
     * status, e.g. an error code pv2hvm has never seen.
     */
    public synchronized Faults failNext(String action, int times, String code, String message, int status) {
        Deque<Injection> q = next.computeIfAbsent(action, a -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            q.add(new Fail(code, message, status));
        }
        return this;
    }

    /** Answers the next {@code times} calls of {@code action} with {@code answer} (see {@link #htmlPage}). */
    public synchronized Faults answerNext(String action, int times, Raw answer) {
        Objects.requireNonNull(answer, "answer");
        Deque<Injection> q = next.computeIfAbsent(action, a -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            q.add(answer);
        }
        return this;
    }

    /** Answers a fraction {@code probability} of {@code action} calls with {@code answer}. */
    public synchronized Faults answerRate(String action, double probability, Raw answer) {
        rates.put(action, new Rate(check(probability), Objects.requireNonNull(answer, "answer")));
        return this;
    }

    /** Resets the connection for the next {@code times} calls of {@code action}. */
    public synchronized Faults resetNext(String action, int times) {
        Deque<Injection> q = next.computeIfAbsent(action, a -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            q.add(new Reset());
        }
        return this;
    }

    /**
     * Lets the next {@code times} calls of {@code action} take effect, then answers each with
     * HTTP 500 {@code InternalError} instead of the result.
     */
    public synchronized Faults loseResponseNext(String action, int times) {
        return enqueue(action, times, new LostResponse(new Fail("InternalError",
                "We encountered an internal error. Please try again.", 500)));
    }

    /** Lets the next {@code times} calls of {@code action} take effect, then resets the connection. */
    public synchronized Faults loseResponseByResetNext(String action, int times) {
        return enqueue(action, times, new LostResponse(new Reset()));
    }

    /**
     * Lets the {@code n}-th call of {@code action} from now (1 for the next) take effect, then
     * answers it with HTTP 500 {@code InternalError}, or resets the connection when {@code byReset};
     * the calls before it pass. For losing the answer of one call in a sequence, such as the
     * SendCommand of one step's command.
     */
    public synchronized Faults loseResponseOfCall(String action, int n, boolean byReset) {
        if (n < 1) {
            throw new IllegalArgumentException("calls are counted from 1 (the next one): " + n);
        }
        Injection lost = new LostResponse(byReset ? new Reset()
                : new Fail("InternalError", "We encountered an internal error. Please try again.", 500));
        atCall.computeIfAbsent(action, a -> new HashMap<>()).put(drawn.getOrDefault(action, 0) + n, lost);
        return this;
    }

    private Faults enqueue(String action, int times, Injection injection) {
        Deque<Injection> q = next.computeIfAbsent(action, a -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            q.add(injection);
        }
        return this;
    }

    /** Delays every answer to {@code action} by {@code delay} (wall-clock, not scaled). */
    public synchronized Faults delay(String action, Duration delay) {
        delays.put(action, delay);
        return this;
    }

    /** Removes every injected fault. */
    public synchronized void clear() {
        rates.clear();
        next.clear();
        delays.clear();
        atCall.clear();
    }

    /** The injection for one call of {@code action}, if any; consumes "next" entries. */
    public synchronized Optional<Injection> draw(String action) {
        int call = drawn.merge(action, 1, Integer::sum);
        Map<Integer, Injection> scheduledCalls = atCall.get(action);
        Injection scheduled = scheduledCalls == null ? null : scheduledCalls.remove(call);
        if (scheduled != null) {
            return Optional.of(scheduled);
        }
        for (String key : new String[] {action, "*"}) {
            Deque<Injection> q = next.get(key);
            if (q != null && !q.isEmpty()) {
                return Optional.of(q.poll());
            }
        }
        for (String key : new String[] {action, "*"}) {
            Rate r = rates.get(key);
            if (r != null && random.nextDouble() < r.probability) {
                return Optional.of(r.injection);
            }
        }
        return Optional.empty();
    }

    /** The delay configured for {@code action}, zero if none. */
    public synchronized Duration delayFor(String action) {
        return delays.getOrDefault(action, delays.getOrDefault("*", Duration.ZERO));
    }

    private static double check(double p) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("probability must be within 0..1: " + p);
        }
        return p;
    }

    // Throttling is 503 and server-side faults 500 (errors-overview.html); others are client errors.
    private static int statusFor(String code) {
        return switch (code) {
            case "RequestLimitExceeded", "Unavailable", "ServiceUnavailable" -> 503;
            case "InternalError", "InternalFailure", "InternalServerError" -> 500;
            default -> 400;
        };
    }
}
