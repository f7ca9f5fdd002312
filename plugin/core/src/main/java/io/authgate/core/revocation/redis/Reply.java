package io.authgate.core.revocation.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** One RESP2 reply, as Redis sent it. A bulk's bytes are its own array: the reader makes a new one per reply. */
sealed interface Reply {

    /** {@code +OK}. */
    record Simple(String text) implements Reply {
    }

    /** {@code -ERR ...}: Redis refused the command. */
    record Error(String text) implements Reply {
    }

    /** {@code :42}. */
    record Integer(long value) implements Reply {
    }

    /** {@code $3 abc}: a binary-safe string. */
    record Bulk(byte[] bytes) implements Reply {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** {@code *2 ...}. */
    record Array(List<Reply> items) implements Reply {
        public Array {
            items = List.copyOf(items);
        }
    }

    /** RESP2's null bulk string and null array ({@code $-1}, {@code *-1}): "nothing", such as an XREAD that timed out. */
    enum Nil implements Reply { NIL }
}
