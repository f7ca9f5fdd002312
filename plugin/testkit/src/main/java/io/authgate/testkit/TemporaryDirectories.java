package io.authgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary directories for what a test runs outside JUnit's {@code @TempDir} (a gateway's prefix,
 * an adapter's config and log, a runner's socket): each is deleted, with all it holds, by
 * {@link #delete} once its process has stopped, and whatever is left at the JVM's exit is deleted
 * then, so a test run leaves nothing in {@code java.io.tmpdir}.
 */
public final class TemporaryDirectories {
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(TemporaryDirectories::deleteQuietly),
                "delete-temporary-directories"));
    }

    private TemporaryDirectories() {
    }

    /** A new directory under {@code java.io.tmpdir}, deleted at the latest when the JVM exits. */
    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            LIVE.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes the directory and everything in it (a directory already gone is fine). One that cannot
     * be deleted yet (a killed process's child still writing its log) is tried again at exit.
     */
    public static void delete(Path dir) {
        try {
            deleteTree(dir);
            LIVE.remove(dir);
        } catch (IOException e) {
            LIVE.add(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            // At exit nothing can report it; a file a still-running child holds open is its business.
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file); // a symbolic link is deleted, never followed
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // a socket or pid file its process removed meanwhile
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
