package io.pv2hvm.samples.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code --debug} must never print, in the shapes AWS sends it. */
class RedactionTest {
    @Test
    void secretHeaders_areRedacted_othersKept() {
        assertThat(Redaction.header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261205/us-east-1/ec2/"
                + "aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd")).isEqualTo("<redacted>");
        assertThat(Redaction.header("X-Amz-Security-Token", "IQoJb3JpZ2luX2VjE")).isEqualTo("<redacted>");
        assertThat(Redaction.header("x-amz-sso_bearer_token", "aoaAAAAA")).isEqualTo("<redacted>");
        assertThat(Redaction.header("X-Amz-Date", "20261205T120000Z")).isEqualTo("20261205T120000Z");
    }

    @Test
    void presignedUrls_loseTheirSignatureCredentialAndToken() {
        String url = Redaction.url("https://s3.amazonaws.com/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAEXAMPLE%2F20261205&X-Amz-Security-Token=IQoJtoken&X-Amz-Signature=deadbeef");

        assertThat(url).doesNotContain("AKIAEXAMPLE").doesNotContain("IQoJtoken").doesNotContain("deadbeef")
                .contains("X-Amz-Algorithm=AWS4-HMAC-SHA256").contains("X-Amz-Signature=<redacted>");
    }

    @Test
    void stsAssumeRoleResponse_losesItsSecretKeyAndSessionToken() {
        String xml = "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                + "<AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG</SecretAccessKey>"
                + "<SessionToken>FQoGZXIvYXdzE\nsecond+line==</SessionToken><Expiration>2026-12-05T13:00:00Z</Expiration>"
                + "</Credentials></AssumeRoleResult></AssumeRoleResponse>";

        String shown = Redaction.body(xml);

        assertThat(shown).doesNotContain("wJalrXUtnFEMI").doesNotContain("FQoGZXIvYXdzE").doesNotContain("second+line")
                .contains("<SecretAccessKey><redacted></SecretAccessKey>").contains("<Expiration>2026-12-05T13:00:00Z");
    }

    @Test
    void ssoAndOidcJson_loseTheirSecrets() {
        String json = "{\"roleCredentials\":{\"accessKeyId\":\"ASIAEXAMPLE\",\"secretAccessKey\":\"wJalr\\\"XUtn\","
                + "\"sessionToken\" : \"tok\",\"expiration\":1733400000000},"
                + "\"accessToken\":\"oidc-at\",\"refreshToken\":\"oidc-rt\",\"clientSecret\":\"cs\",\"nextToken\":\"page2\"}";

        String shown = Redaction.body(json);

        assertThat(shown).doesNotContain("wJalr").doesNotContain("XUtn").doesNotContain("\"tok\"").doesNotContain("oidc-at")
                .doesNotContain("oidc-rt").doesNotContain("\"cs\"")
                .contains("\"nextToken\":\"page2\"").contains("\"expiration\":1733400000000");
    }

    @Test
    void ec2QueryBodies_loseUserData_butKeepPagingAndIdempotencyTokens() {
        String query = "Action=RunInstances&Version=2016-11-15&UserData=IyEvYmluL3NoCmVjaG8gc2VjcmV0"
                + "&ClientToken=abc-123&NextToken=page2&LaunchTemplateData.UserData=c2VjcmV0Mg%3D%3D";

        String shown = Redaction.body(query);

        assertThat(shown).doesNotContain("IyEvYmluL3NoCmVjaG8gc2VjcmV0").doesNotContain("c2VjcmV0Mg")
                .contains("Action=RunInstances").contains("&UserData=<redacted>")
                .contains("LaunchTemplateData.UserData=<redacted>")
                .contains("ClientToken=abc-123").contains("NextToken=page2");
    }

    @Test
    void ec2XmlResponses_loseKeyMaterialPasswordsAndUserData() {
        String xml = "<CreateKeyPairResponse><keyName>k</keyName><keyMaterial>-----BEGIN RSA PRIVATE KEY-----\nMIIE"
                + "\n-----END RSA PRIVATE KEY-----</keyMaterial></CreateKeyPairResponse>"
                + "<userData><value>IyEvYmlu</value></userData><passwordData>encrypted</passwordData>"
                + "<nextToken>page2</nextToken>";

        String shown = Redaction.body(xml);

        assertThat(shown).doesNotContain("PRIVATE KEY").doesNotContain("MIIE").doesNotContain("IyEvYmlu")
                .doesNotContain("encrypted").contains("<keyName>k</keyName>").contains("<nextToken>page2</nextToken>");
    }
}
