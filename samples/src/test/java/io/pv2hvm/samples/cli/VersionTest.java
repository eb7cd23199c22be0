package io.pv2hvm.samples.cli;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class VersionTest {

    @Test
    void version_printsThePomVersion() throws Exception {
        String pomVersion = pomVersion();

        Cli.Run run = Cli.run("--version");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out().strip()).isEqualTo("pv2hvm " + pomVersion);
        assertThat(BuildVersion.current()).isEqualTo(pomVersion);
    }

    /** The version this module inherits, read from samples/pom.xml itself (Surefire runs in the module's directory). */
    private static String pomVersion() throws Exception {
        Path pom = Path.of("pom.xml");
        assertThat(pom).as("the samples module's pom.xml, from the working directory").exists();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(pom));
        String version = XPathFactory.newInstance().newXPath().evaluate("/project/parent/version", doc);
        assertThat(version).as("<parent><version> in " + pom.toAbsolutePath()).isNotBlank();
        return version;
    }
}
