package io.authgate.forwardauth;

import java.io.IOException;
import java.io.InputStream;
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

    /** The whole file, or empty when it holds more than {@code maxBytes} (having read one byte past the bound). */
    public static Optional<byte[]> read(Path file, int maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            return bytes.length > maxBytes ? Optional.empty() : Optional.of(bytes);
        }
    }
}
