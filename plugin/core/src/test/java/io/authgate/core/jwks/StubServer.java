package io.authgate.core.jwks;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A loopback HTTP server answering fixed responses by path, for the answers the test issuer cannot
 * give (a discovery document naming another jwks_uri, a redirect, an oversized body).
 */
final class StubServer implements AutoCloseable {
    record Answer(int status, Map<String, String> headers, byte[] body) {
        static Answer json(String body) {
            return new Answer(200, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final HttpServer server;

    StubServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.start();
    }

    /** Answers requests to this path with this answer from now on. */
    StubServer answer(String path, Answer answer) {
        server.createContext(path, exchange -> {
            try (exchange) {
                answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
                exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
                if (answer.body().length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(answer.body());
                    }
                }
            }
        });
        return this;
    }

    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
