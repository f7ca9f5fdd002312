package io.authgate.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
