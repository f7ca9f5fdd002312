package io.authgate.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core (credentials → verification → headers) must stay free of any gateway or framework, so
 * both fronts stay thin and the core runs anywhere. The module's dependencies already keep those
 * jars off its classpath; this keeps it true even if a dependency ever drags one in.
 */
class CoreIndependenceTest {
    private static final List<String> FORBIDDEN = List.of("org.apache.apisix", "io.netty", "org.springframework");

    @Test
    void coreSourcesImportNothingFromApisixNettyOrSpring() throws IOException {
        Path sources = Path.of("src/main/java");
        assertThat(sources).isDirectory();
        try (Stream<Path> files = Files.walk(sources)) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .flatMap(CoreIndependenceTest::forbiddenImports)
                    .toList();
            assertThat(offenders).isEmpty();
        }
    }

    /**
     * The packages a front may use: the root (the runtime, requests, decisions, events and their
     * vocabulary), configuration, and the header and session types. Everything else (credentials,
     * verification, Authgear's resolver, the pipeline) is wired by {@link Authgate} alone.
     */
    private static final Pattern CORE_INTERNAL = Pattern.compile(
            "io\\.authgate\\.core\\.(?!config\\b|headers\\b)[a-z]\\w*\\b(\\.|;)");
    private static final List<Path> FRONTS = List.of(Path.of("../apisix/src/main/java"), Path.of("../forward-auth/src/main/java"));

    @Test
    void frontsUseOnlyTheCoresRootConfigAndHeaderTypes() throws IOException {
        for (Path front : FRONTS) {
            assertThat(front).as("a front's sources, beside the core's").isDirectory();
        }
        List<String> offenders = frontInternals(FRONTS);
        assertThat(offenders).as("a front names a core internal").isEmpty();
    }

    @Test
    void theRuleCatchesAnImportOfAnInternal(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("Front.java"), "package x;\nimport io.authgate.core.jwks.CachedJwks;\n"
                + "import io.authgate.core.config.AuthgateConfig;\nimport io.authgate.core.Decision;\nclass Front {}\n");
        Files.writeString(dir.resolve("Other.java"), "package x;\nclass Other { Object o = io.authgate.core.remote.RemoteSessions.class; }\n");
        assertThat(frontInternals(List.of(dir))).hasSize(2)
                .anyMatch(s -> s.contains("io.authgate.core.jwks.CachedJwks"))
                .anyMatch(s -> s.contains("io.authgate.core.remote.RemoteSessions"));
    }

    /** Every line of the fronts' sources that names a core package other than root, config, headers. */
    private static List<String> frontInternals(List<Path> roots) throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    for (String line : Files.readAllLines(file)) {
                        if (CORE_INTERNAL.matcher(line).find()) {
                            offenders.add(file + ": " + line.trim());
                        }
                    }
                }
            }
        }
        return offenders;
    }

    private static Stream<String> forbiddenImports(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith("import "))
                    .filter(line -> FORBIDDEN.stream().anyMatch(p -> line.contains(" " + p + ".") || line.contains("static " + p + ".")))
                    .map(line -> file + ": " + line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
