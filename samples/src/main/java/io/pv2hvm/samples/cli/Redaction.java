package io.pv2hvm.samples.cli;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from what {@code --debug} logs of an HTTP exchange, so a debug log can be pasted
 * into a ticket: the signature and credential scope ({@code Authorization}), session and bearer
 * tokens (headers and presigned query parameters), and in bodies, in the AWS query ({@code a=b&c=d}),
 * XML and JSON forms: secret keys, session and OAuth tokens, client secrets, passwords, private key
 * material ({@code CreateKeyPair}) and user data (which often carries secrets).
 */
final class Redaction {
    static final String REDACTED = "<redacted>";

    /** Headers whose whole value is secret. */
    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "x-amz-security-token",
            "x-amz-sso_bearer_token", "cookie", "set-cookie", "proxy-authorization");
    /** Presigned-URL query parameters that sign or carry credentials. */
    private static final Pattern SECRET_QUERY = Pattern.compile(
            "(?i)([?&]X-Amz-(?:Signature|Credential|Security-Token)=)[^&]*");
    /** Names of body fields that hold secrets, as the last segment of a name (LaunchTemplateData.UserData). */
    private static final String NAMES = "SecretAccessKey|SessionToken|AccessToken|RefreshToken|IdToken|ClientSecret"
            + "|Password|PasswordData|KeyMaterial|PrivateKey|UserData|Token";
    /** {@code <userData><value>...</value></userData>}: the whole element's content. */
    private static final Pattern XML = Pattern.compile("(?is)<(" + NAMES + ")>.*?</\\1>");
    /** {@code "sessionToken":"..."}, with JSON's escapes inside the string. */
    private static final Pattern JSON = Pattern.compile("(?i)(\"(?:" + NAMES + ")\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");
    /** {@code UserData=...} and {@code LaunchTemplateData.UserData=...} in a form-encoded query body. */
    private static final Pattern QUERY = Pattern.compile("(?i)((?:^|&)(?:[A-Za-z0-9]+\\.)*(?:" + NAMES + ")=)[^&]*");

    private Redaction() {
    }

    /** {@code value} of header {@code name}, or {@link #REDACTED} when the header is secret. */
    static String header(String name, String value) {
        return SECRET_HEADERS.contains(name.toLowerCase(Locale.ROOT)) ? REDACTED : value;
    }

    /** {@code url} with signing query parameters redacted. */
    static String url(String url) {
        return SECRET_QUERY.matcher(url).replaceAll("$1" + REDACTED);
    }

    /** {@code body} with the values of secret fields redacted, whatever its form. */
    static String body(String body) {
        String s = XML.matcher(body).replaceAll(m -> Matcher.quoteReplacement("<" + m.group(1) + ">" + REDACTED
                + "</" + m.group(1) + ">"));
        s = JSON.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "\"" + REDACTED + "\""));
        return QUERY.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + REDACTED));
    }
}
