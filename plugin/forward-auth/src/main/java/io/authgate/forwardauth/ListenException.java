package io.authgate.forwardauth;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * A listener that could not bind, said as an operator reads it:
 * {@code cannot listen on 127.0.0.1:9095 (listen): address already in use} — the address, which
 * config key it came from, and the reason without the transport's wording (NIO's
 * {@code BindException} and the epoll transport's {@code bind(..) failed: ...} say the same thing
 * differently).
 */
final class ListenException extends IOException {
    ListenException(String listener, InetSocketAddress address, Throwable cause) {
        super("cannot listen on " + Main.hostPort(address) + " (" + listener + "): " + reason(cause), cause);
    }

    /** The OS's reason (strerror) in lower case: the text after the transport's own prefix. */
    static String reason(Throwable cause) {
        String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("address already in use")) {
            return "address already in use";
        }
        if (lower.contains("cannot assign requested address")) {
            return "address not available on this host";
        }
        if (lower.contains("permission denied")) {
            return "permission denied (ports below 1024 need privileges)";
        }
        int colon = message.lastIndexOf(": ");
        String tail = colon >= 0 ? message.substring(colon + 2) : message;
        return tail.isBlank() ? (cause == null ? "unknown error" : cause.getClass().getSimpleName()) : tail.toLowerCase(Locale.ROOT);
    }
}
