package io.pv2hvm.testkit.internal.http;

/** A response the emulator sends: status, content type and body. */
public record HttpAnswer(int status, String contentType, String body, String errorCode) {

    public static HttpAnswer xml(int status, String body, String errorCode) {
        return new HttpAnswer(status, "text/xml;charset=UTF-8", body, errorCode);
    }

    public static HttpAnswer json(int status, String body, String errorCode) {
        return new HttpAnswer(status, "application/x-amz-json-1.1", body, errorCode);
    }
}
