package io.authgate.forwardauth.dev;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code mint} and {@code event} say for a demo file that is not one: one sentence, never an Error. */
@Timeout(30)
class DemoKeyFileTest {
    /** {@code mint --demo-file /dev/zero} read it whole: OutOfMemoryError, exit 3 as fatal. */
    @Test
    void anEndlessStreamIsRefusedAtTheBound() {
        assertThatThrownBy(() -> DemoKeyFile.read(Path.of("/dev/zero")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("/dev/zero is larger than 64 KiB, too large for a demo issuer file");
    }

    /** Jackson's message spans two lines (a "[Source: ...]" line); the sentence is one. */
    @Test
    void aFileThatIsNotJsonIsOneLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("demo.json"), "garbage\n");
        assertThatThrownBy(() -> DemoKeyFile.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).isEqualTo(file + " is not a demo issuer file (not JSON)"));
    }
}
