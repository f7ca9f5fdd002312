package io.authgate.forwardauth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version this build was made from. The POM is the one place it is written: Maven filters it
 * into {@code build.properties} next to this class, so it is the same in the shaded jar, in
 * {@code target/classes} (the tests) and in {@code --version}, the start-up line and
 * {@code authgate_build_info}.
 */
final class BuildInfo {
    static final String VERSION = read("version");

    private BuildInfo() {
    }

    private static String read(String key) {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                throw new IllegalStateException("build.properties missing from the build: run the Maven build");
            }
            Properties properties = new Properties();
            properties.load(in);
            String value = properties.getProperty(key, "");
            if (value.isBlank() || value.startsWith("${")) {
                throw new IllegalStateException("build.properties has no filtered " + key + ": run the Maven build");
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
