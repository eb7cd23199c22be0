package io.pv2hvm.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ```java} block of the README compiles against today's API, without a deprecation
 * warning, so the docs cannot drift from it nor show a call on its way out. A block is a fragment: it is wrapped in a class (as its body when it declares members,
 * else as a method body with the README's free variables as fields) and compiled, never run.
 */
class ReadmeSnippetsTest {
    private static final Path README = Path.of("../README.md");
    private static final String FENCE_OPEN = "```java";
    private static final String FENCE_CLOSE = "```";
    private static final String WERROR_SUMMARY = "compiler.err.warnings.and.werror";
    /** A block declaring class members (a field with an annotation or a modifier), not statements. */
    private static final Pattern CLASS_BODY = Pattern.compile("^(@|(public|protected|private|static|final)\\s)");
    private static final List<String> IMPORTS = List.of(
            "io.pv2hvm.core.*", "io.pv2hvm.core.spi.*", "io.pv2hvm.core.journal.*", "io.pv2hvm.aws.*",
            "io.pv2hvm.ssh.*", "io.pv2hvm.postgres.*", "io.pv2hvm.micrometer.*", "io.pv2hvm.testkit.*",
            "io.pv2hvm.testkit.world.*", "io.pv2hvm.testkit.junit5.*", "io.pv2hvm.samples.templates.*",
            "java.util.*", "java.time.*", "java.nio.file.*",
            "software.amazon.awssdk.services.ec2.Ec2Client", "software.amazon.awssdk.services.ssm.SsmClient",
            "software.amazon.awssdk.regions.Region", "software.amazon.awssdk.auth.credentials.*",
            "io.micrometer.core.instrument.MeterRegistry", "org.junit.jupiter.api.extension.RegisterExtension",
            "org.junit.jupiter.api.Test");
    /** The variables the README's statement blocks use without declaring them; a local declaration shadows one. */
    private static final String FREE_VARIABLES = "String id; List<String> ids; AwsSteps aws; MeterRegistry meterRegistry;"
            + " SshKey key; HostKeyPolicy policy; LoadBalancerMembership targetGroup;";

    @TempDir
    Path classes;

    @Test
    void readme_javaBlocks_compileAgainstTheApi() throws IOException {
        List<Snippet> snippets = extract(Files.readString(README));

        List<String> errors = compile("README.md", snippets, classes);

        assertThat(snippets).hasSizeGreaterThanOrEqualTo(12);
        assertThat(errors).as("README blocks that do not compile:%n%s", String.join("\n", errors)).isEmpty();
    }

    @Test
    void extractor_reportsABrokenSnippet_atItsReadmeLine() {
        String markdown = String.join("\n",
                "# Title",                                               // 1
                "```java",                                               // 2
                "Migration.of(id).toHvm().preservingIps();",             // 3: uses a free variable
                "```",                                                   // 4
                "```java",                                               // 5
                "@Deprecated static String name = \"a class body\";",    // 6
                "```",                                                   // 7
                "```sh",                                                 // 8
                "not java",                                              // 9
                "```",                                                   // 10
                "```java",                                               // 11
                "String ok = \"\";",                                     // 12
                "Migration.of(ok).noSuchMethod();",                      // 13
                "```");

        List<Snippet> snippets = extract(markdown);
        List<String> errors = compile("DOC.md", snippets, classes);

        assertThat(snippets).extracting(Snippet::fenceLine).containsExactly(2, 5, 11);
        assertThat(errors).singleElement().asString().startsWith("DOC.md:13: cannot find symbol");
    }

    @Test
    void aDeprecatedCall_failsItsSnippet_atItsReadmeLine() {
        String markdown = String.join("\n",
                "```java",                                               // 1
                "Date ok = new Date(0L);",                               // 2
                "Date old = new Date(120, 0, 1);",                       // 3: Date(int, int, int) is deprecated
                "```");

        List<String> errors = compile("DOC.md", extract(markdown), classes);

        assertThat(errors).singleElement().asString().startsWith("DOC.md:3: ").contains("deprecated");
    }

    /** One fenced java block: the line of its opening fence (1-based) and its code. */
    record Snippet(int fenceLine, List<String> lines) {
        boolean isClassBody() {
            return lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("//"))
                    .findFirst().map(l -> CLASS_BODY.matcher(l).find()).orElse(false);
        }
    }

    static List<Snippet> extract(String markdown) {
        List<Snippet> snippets = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].strip().equals(FENCE_OPEN)) {
                continue;
            }
            int open = i;
            List<String> code = new ArrayList<>();
            while (++i < lines.length && !lines[i].strip().equals(FENCE_CLOSE)) {
                code.add(lines[i]);
            }
            snippets.add(new Snippet(open + 1, code));
        }
        return snippets;
    }

    /**
     * Compiles every snippet in one task, a deprecation warning failing it like an error (the docs
     * must not teach a call on its way out); each as {@code <file>:<line>: <message>}, the line the file's.
     */
    static List<String> compile(String file, List<Snippet> snippets, Path outputDir) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<WrappedSnippet> sources = snippets.stream().map(WrappedSnippet::new).toList();
        List<String> options = List.of("-proc:none", "-Xlint:deprecation", "-Werror", "-d", outputDir.toString(),
                "-classpath", testClassPath());
        boolean compiled = javac.getTask(null, null, diagnostics, options, null, sources).call();

        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            boolean failing = d.getKind() == Diagnostic.Kind.ERROR || d.getKind() == Diagnostic.Kind.WARNING
                    || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING;
            // -Werror's own "warnings found" error repeats what the warnings themselves say.
            if (!failing || WERROR_SUMMARY.equals(d.getCode())) {
                continue;
            }
            String message = String.join(" ", d.getMessage(Locale.ROOT).lines().map(String::strip).toList());
            String line = d.getSource() instanceof WrappedSnippet snippet
                    ? Long.toString(snippet.fileLine(d.getLineNumber())) : "?";
            errors.add(file + ":" + line + ": " + message);
        }
        if (!compiled && errors.isEmpty()) {
            errors.add(file + ": javac failed without naming a line"); // still a failure, never a silent pass
        }
        return errors;
    }

    /** A snippet as a compilation unit, mapping its lines back to the markdown file's. */
    private static final class WrappedSnippet extends SimpleJavaFileObject {
        private final Snippet snippet;
        private final String header;
        private final String source;

        WrappedSnippet(Snippet snippet) {
            super(URI.create("string:///readme/Snippet" + snippet.fenceLine() + ".java"), Kind.SOURCE);
            this.snippet = snippet;
            StringBuilder h = new StringBuilder("package readme;\n");
            IMPORTS.forEach(i -> h.append("import ").append(i).append(";\n"));
            h.append("class Snippet").append(snippet.fenceLine()).append(" {\n");
            h.append(snippet.isClassBody() ? "" : FREE_VARIABLES + " void body() throws Exception {\n");
            this.header = h.toString();
            this.source = header + String.join("\n", snippet.lines()) + (snippet.isClassBody() ? "\n}\n" : "\n}}\n");
        }

        /** The markdown line of a line of this source; a line of the wrapper maps to the opening fence. */
        long fileLine(long sourceLine) {
            long codeIndex = sourceLine - header.lines().count() - 1;
            return codeIndex >= 0 && codeIndex < snippet.lines().size()
                    ? snippet.fenceLine() + 1 + codeIndex : snippet.fenceLine();
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
        }
    }

    /** The test classpath; a manifest-only jar (surefire's fork) is replaced by the entries it names. */
    private static String testClassPath() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>();
        for (String entry : classpath.split(Pattern.quote(File.pathSeparator))) {
            entries.addAll(manifestClassPath(Path.of(entry)).orElse(List.of(entry)));
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Optional<List<String>> manifestClassPath(Path entry) {
        if (!entry.getFileName().toString().startsWith("surefirebooter") || !Files.isRegularFile(entry)) {
            return Optional.empty();
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return Optional.empty();
            }
            URI base = entry.toAbsolutePath().getParent().toUri();
            List<String> paths = new ArrayList<>();
            for (String url : classPath.trim().split("\\s+")) {
                paths.add(Path.of(base.resolve(url)).toString());
            }
            return Optional.of(paths);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the classpath of " + entry, e);
        }
    }
}
