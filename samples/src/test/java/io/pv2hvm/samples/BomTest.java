package io.pv2hvm.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps {@code bom/pom.xml} in step with the modules the root POM builds. */
class BomTest {

    private static final Path ROOT = Path.of("..");

    /** Root modules that are not libraries to import: the BOM itself, and the samples (the CLI and sandbox). */
    private static final Set<String> NOT_IN_BOM = Set.of("bom", "samples");

    @Test
    void bom_managesEveryPublishedModule() throws Exception {
        assertThat(missingFromBom(ROOT)).isEmpty();
        assertThat(managedArtifacts(ROOT.resolve("bom/pom.xml"))).containsExactlyInAnyOrderElementsOf(publishedArtifacts(ROOT));
    }

    @Test
    void bom_isTheFirstModule_hasNoParent_andTheRootsVersion() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        Document bom = parse(ROOT.resolve("bom/pom.xml"));
        assertThat(modules(root)).first().isEqualTo("bom");
        assertThat(child(bom.getDocumentElement(), "parent")).isNull();
        assertThat(text(bom.getDocumentElement(), "groupId")).isEqualTo(text(root.getDocumentElement(), "groupId"));
        assertThat(text(bom.getDocumentElement(), "version")).isEqualTo(text(root.getDocumentElement(), "version"));
        for (Element d : managed(bom)) {
            assertThat(text(d, "groupId")).isEqualTo("io.pv2hvm");
            assertThat(text(d, "version")).isEqualTo("${project.version}");
        }
    }

    @Test
    void missingFromBom_namesAModuleTheBomLacks(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pom.xml"), "<project><modules><module>bom</module><module>sdk-core</module>"
                + "<module>sdk-new</module></modules></project>");
        for (String m : List.of("bom", "sdk-core", "sdk-new")) {
            Files.createDirectories(dir.resolve(m));
        }
        Files.writeString(dir.resolve("sdk-core/pom.xml"), "<project><artifactId>pv2hvm-sdk-core</artifactId></project>");
        Files.writeString(dir.resolve("sdk-new/pom.xml"), "<project><artifactId>pv2hvm-sdk-new</artifactId></project>");
        Files.writeString(dir.resolve("bom/pom.xml"), "<project><dependencyManagement><dependencies><dependency>"
                + "<groupId>io.pv2hvm</groupId><artifactId>pv2hvm-sdk-core</artifactId></dependency>"
                + "</dependencies></dependencyManagement></project>");

        assertThat(missingFromBom(dir)).containsExactly("pv2hvm-sdk-new");
    }

    /** The artifactIds of the root's published modules that {@code bom/pom.xml} does not manage. */
    private static Set<String> missingFromBom(Path root) throws Exception {
        Set<String> missing = new TreeSet<>(publishedArtifacts(root));
        missing.removeAll(managedArtifacts(root.resolve("bom/pom.xml")));
        return missing;
    }

    private static List<String> publishedArtifacts(Path root) throws Exception {
        List<String> artifacts = new ArrayList<>();
        for (String module : modules(parse(root.resolve("pom.xml")))) {
            if (!NOT_IN_BOM.contains(module)) {
                artifacts.add(text(parse(root.resolve(module).resolve("pom.xml")).getDocumentElement(), "artifactId"));
            }
        }
        return artifacts;
    }

    private static List<String> managedArtifacts(Path bomPom) throws Exception {
        return managed(parse(bomPom)).stream().map(d -> text(d, "artifactId")).toList();
    }

    private static List<Element> managed(Document bom) {
        Element deps = child(child(bom.getDocumentElement(), "dependencyManagement"), "dependencies");
        return children(deps, "dependency");
    }

    private static List<String> modules(Document root) {
        return children(child(root.getDocumentElement(), "modules"), "module").stream().map(Node::getTextContent).toList();
    }

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }
}
