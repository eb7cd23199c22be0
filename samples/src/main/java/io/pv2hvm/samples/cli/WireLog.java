package io.pv2hvm.samples.cli;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpHeaders;
import software.amazon.awssdk.http.SdkHttpRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --debug}'s wire log: every EC2 and SSM request as signed and sent (method, URL, headers,
 * body) and every response as received (status, headers, body), on stderr, with secrets replaced
 * by {@code <redacted>} (see {@link Redaction}). SDK retries are logged too: each is a request on
 * the wire.
 */
final class WireLog implements ExecutionInterceptor {
    /** Bodies longer than this are cut: a debug log of one describe should stay readable. */
    static final int MAX_BODY = 64 * 1024;

    private final PrintWriter err;

    /** A log writing to {@code err}. */
    WireLog(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        SdkHttpRequest request = context.httpRequest();
        StringBuilder sb = new StringBuilder();
        sb.append("> ").append(operation(attributes)).append(": ").append(request.method()).append(' ')
                .append(Redaction.url(request.getUri().toString())).append('\n');
        headers(sb, "> ", request);
        // The marshalled body travels with the request (SdkHttpFullRequest); requestBody() is empty then.
        Optional<String> body = request instanceof SdkHttpFullRequest full && full.contentStreamProvider().isPresent()
                ? Optional.of(read(full.contentStreamProvider().get()))
                : context.requestBody().map(b -> read(b.contentStreamProvider()));
        body.ifPresent(text -> body(sb, "> ", text));
        print(sb);
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                           ExecutionAttributes attributes) {
        Optional<InputStream> content = context.responseBody();
        byte[] bytes = content.map(WireLog::readAll).orElse(null);
        StringBuilder sb = new StringBuilder();
        sb.append("< ").append(operation(attributes)).append(": ").append(context.httpResponse().statusCode())
                .append('\n');
        headers(sb, "< ", context.httpResponse());
        if (bytes != null) {
            body(sb, "< ", new String(bytes, StandardCharsets.UTF_8));
        }
        print(sb);
        // The SDK reads the body after us: hand it the bytes we read.
        return bytes == null ? content : Optional.of(new ByteArrayInputStream(bytes));
    }

    private synchronized void print(StringBuilder sb) {
        err.print(sb);
        err.flush();
    }

    private static String operation(ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        return (service == null ? "" : service + ".") + (operation == null ? "?" : operation);
    }

    private static void headers(StringBuilder sb, String prefix, SdkHttpHeaders headers) {
        for (Map.Entry<String, List<String>> h : headers.headers().entrySet()) {
            for (String value : h.getValue()) {
                sb.append(prefix).append(h.getKey()).append(": ").append(Redaction.header(h.getKey(), value))
                        .append('\n');
            }
        }
    }

    private static void body(StringBuilder sb, String prefix, String body) {
        if (body.isEmpty()) {
            return;
        }
        String redacted = Redaction.body(body); // before cutting: a cut must not split a secret out of its pattern
        String shown = redacted.length() > MAX_BODY ? redacted.substring(0, MAX_BODY) + "... ("
                + (redacted.length() - MAX_BODY) + " more characters)" : redacted;
        sb.append(prefix).append('\n');
        for (String line : shown.split("\r?\n")) {
            sb.append(prefix).append(Output.printable(line)).append('\n');
        }
    }

    private static String read(ContentStreamProvider body) {
        try (InputStream in = body.newStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(body not readable: " + e.getMessage() + ")";
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the response for --debug", e);
        }
    }
}
