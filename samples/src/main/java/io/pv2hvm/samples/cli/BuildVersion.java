package io.pv2hvm.samples.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of the build that made this CLI, as Maven wrote it into {@code build.properties}
 * (a filtered resource), so {@code pv2hvm --version} never drifts from the POM.
 */
public final class BuildVersion implements IVersionProvider {
    private static final String RESOURCE = "build.properties";

    /** The project version, e.g. {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}. */
    public static String current() {
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath: build the CLI with Maven"
                        + " (./mvnw -pl samples -am package), which writes it.");
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version", "");
            if (version.isBlank() || version.contains("${")) {
                throw new IllegalStateException(RESOURCE + " has no filtered version ('" + version + "'): build the CLI"
                        + " with Maven (./mvnw -pl samples -am package), which fills it in.");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** picocli's {@code --version} text: {@code pv2hvm <version>}. */
    @Override
    public String[] getVersion() {
        return new String[] {"pv2hvm " + current()};
    }
}
