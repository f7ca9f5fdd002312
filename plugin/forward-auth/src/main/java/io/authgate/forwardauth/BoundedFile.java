package io.authgate.forwardauth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file the adapter reads whole (its configuration, explain's token and JWKS files), read through a
 * stream up to a bound rather than by its size: a pipe ({@code --config <(envsubst < tmpl)}) has no
 * size, and {@code /dev/zero} reports 0 and never ends, so a size check alone would read forever.
 */
public final class BoundedFile {
    private BoundedFile() {
    }

    /**
     * What went wrong, in words: the JDK's message for a denied read is the file's name alone
     * ({@code cannot read F: F}). Never the file's content.
     */
    public static String problem(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemLoopException) {
            return "it is a symbolic link loop";
        }
        if (e instanceof NoSuchFileException) {
            return "it does not exist";
        }
        return String.valueOf(e.getMessage());
    }

    /** The whole file, or empty when it holds more than {@code maxBytes} (having read one byte past the bound). */
    public static Optional<byte[]> read(Path file, int maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            return bytes.length > maxBytes ? Optional.empty() : Optional.of(bytes);
        }
    }
}
