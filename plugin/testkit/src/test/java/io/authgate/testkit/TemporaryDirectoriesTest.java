package io.authgate.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What the gateway and adapter harnesses rely on to leave nothing in java.io.tmpdir. */
class TemporaryDirectoriesTest {

    @Test
    void aDirectoryIsCreatedUnderTheTemporaryDirectoryAndDeletedWithEverythingInIt() throws Exception {
        Path dir = TemporaryDirectories.create("authgate-test");
        assertThat(dir.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(dir.getFileName().toString()).startsWith("authgate-test");
        Files.createDirectories(dir.resolve("logs/deeper"));
        Files.writeString(dir.resolve("logs/deeper/error.log"), "x");
        Files.writeString(dir.resolve("nginx.conf"), "x");

        TemporaryDirectories.delete(dir);

        assertThat(dir).doesNotExist();
    }

    @Test
    void aSymbolicLinkInsideIsDeletedNotFollowed(@TempDir Path elsewhere) throws Exception {
        // RunnerProcess links the plugin jar into its directory: deleting the link must keep the jar.
        Path jar = Files.writeString(elsewhere.resolve("plugin.jar"), "jar");
        Path dir = TemporaryDirectories.create("authgate-test");
        Files.createSymbolicLink(dir.resolve("plugin.jar"), jar);
        Path linkedDir = Files.createDirectory(elsewhere.resolve("kept"));
        Files.writeString(linkedDir.resolve("file"), "kept");
        Files.createSymbolicLink(dir.resolve("kept"), linkedDir);

        TemporaryDirectories.delete(dir);

        assertThat(dir).doesNotExist();
        assertThat(jar).hasContent("jar");
        assertThat(linkedDir.resolve("file")).hasContent("kept");
    }

    @Test
    void aDirectoryAlreadyGoneIsFine() {
        Path dir = TemporaryDirectories.create("authgate-test");
        TemporaryDirectories.delete(dir);
        TemporaryDirectories.delete(dir);
        assertThat(dir).doesNotExist();
    }
}
