package io.authgate.forwardauth.it;

import com.sun.net.httpserver.HttpServer;
import io.authgate.testkit.HeaderBytes;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The backend behind a gateway in the tests: records the headers of every request it receives (by
 * lower-case name, every value kept) and answers 200 "upstream". Values are the text of the bytes
 * received, decoded as UTF-8 (the JDK's server hands them over one char per byte), so a value the
 * gateway wrote as ISO-8859-1 does not read as the same text.
 */
public final class UpstreamEcho implements AutoCloseable {
    private final HttpServer server;
    private final BlockingQueue<Map<String, List<String>>> received = new LinkedBlockingQueue<>();

    private UpstreamEcho(HttpServer server) {
        this.server = server;
    }

    public static UpstreamEcho start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        UpstreamEcho echo = new UpstreamEcho(server);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "upstream-echo");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            try (exchange) {
                Map<String, List<String>> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.computeIfAbsent(name.toLowerCase(), k -> new ArrayList<>())
                        .addAll(values.stream().map(HeaderBytes::utf8Text).toList()));
                echo.received.add(headers);
                byte[] body = "upstream".getBytes();
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return echo;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The next request's headers (waits up to 5 s), or fails. */
    public Map<String, List<String>> nextRequest() throws InterruptedException {
        Map<String, List<String>> headers = received.poll(5, TimeUnit.SECONDS);
        if (headers == null) {
            throw new AssertionError("the upstream received no request");
        }
        return headers;
    }

    /** True when no request arrived (after the gateway answered the client, so nothing is in flight). */
    public boolean receivedNothing() {
        return received.isEmpty();
    }

    public void clear() {
        received.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
