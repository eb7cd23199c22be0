package io.pv2hvm.testkit.internal.xml;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.function.Consumer;

/** Streams an EC2 Query-protocol XML document; elements are closed in order by {@link #end()}. */
public final class XmlWriter {

    public static final String EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private final StringBuilder out = new StringBuilder(1024);
    private final Deque<String> open = new ArrayDeque<>();

    private XmlWriter() {
    }

    /** Starts a response document such as {@code <RunInstancesResponse xmlns=...>} with its requestId. */
    public static XmlWriter response(String action, String requestId) {
        XmlWriter w = new XmlWriter();
        w.out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        w.out.append('<').append(action).append("Response xmlns=\"").append(EC2_NAMESPACE).append("\">");
        w.open.push(action + "Response");
        w.text("requestId", requestId);
        return w;
    }

    /** An error document in the EC2 envelope (errors-overview.html). */
    public static String error(String code, String message, String requestId) {
        XmlWriter w = new XmlWriter();
        w.out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        w.start("Response").start("Errors").start("Error")
                .text("Code", code).text("Message", message).end().end()
                .text("RequestID", requestId);
        return w.finish();
    }

    /** Starts a document whose root element is {@code <element xmlns="namespace">} (the STS envelope). */
    public static XmlWriter root(String element, String namespace) {
        XmlWriter w = new XmlWriter();
        w.out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        w.out.append('<').append(element).append(" xmlns=\"").append(namespace).append("\">");
        w.open.push(element);
        return w;
    }

    public XmlWriter start(String name) {
        out.append('<').append(name).append('>');
        open.push(name);
        return this;
    }

    public XmlWriter end() {
        out.append("</").append(open.pop()).append('>');
        return this;
    }

    /** Writes a text element; a null value writes nothing, as EC2 omits absent members. */
    public XmlWriter text(String name, Object value) {
        if (value == null) {
            return this;
        }
        String s = value instanceof Instant i ? timestamp(i) : String.valueOf(value);
        out.append('<').append(name).append('>');
        escape(s);
        out.append("</").append(name).append('>');
        return this;
    }

    /** {@code <name><value>v</value></name>}, the shape of EC2 attribute values. */
    public XmlWriter value(String name, Object value) {
        if (value == null) {
            return start(name).end();
        }
        return start(name).text("value", value).end();
    }

    /** A list element whose members are {@code <item>}s. */
    public <T> XmlWriter items(String name, Collection<T> items, Consumer<T> body) {
        start(name);
        for (T t : items) {
            start("item");
            body.accept(t);
            end();
        }
        return end();
    }

    /** A list of plain strings as {@code <item>value</item>}. */
    public XmlWriter stringItems(String name, Collection<String> items) {
        start(name);
        for (String s : items) {
            text("item", s);
        }
        return end();
    }

    /** A {@code tagSet} (omitted when empty, as EC2 does). */
    public XmlWriter tags(Map<String, String> tags) {
        if (tags == null || tags.isEmpty()) {
            return this;
        }
        return items("tagSet", tags.entrySet(), e -> text("key", e.getKey()).text("value", e.getValue()));
    }

    public String finish() {
        while (!open.isEmpty()) {
            end();
        }
        return out.toString();
    }

    public static String timestamp(Instant i) {
        return DateTimeFormatter.ISO_INSTANT.format(i.truncatedTo(ChronoUnit.MILLIS));
    }

    private void escape(String s) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
    }
}
