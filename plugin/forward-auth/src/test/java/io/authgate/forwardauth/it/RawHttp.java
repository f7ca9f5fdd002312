package io.authgate.forwardauth.it;

import io.authgate.testkit.HeaderBytes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client on a plain socket: it sends exactly the bytes it is given
 * (header names in their case, repeated headers in order, hostile bytes included) and reads
 * responses by {@code Content-Length}, chunks or EOF. java.net.http cannot send many of these.
 * Response header values are read as UTF-8 text (a malformed byte becomes U+FFFD), as a backend
 * reads what a gateway copied; {@link Response#rawHead()} keeps one char per byte.
 * Every read has a timeout, so a server that hangs fails the test instead of hanging it.
 */
public final class RawHttp implements AutoCloseable {
    public static final int READ_TIMEOUT_MS = 5_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** A connection to a loopback port, 5 s read timeout. */
    public static RawHttp connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        return new RawHttp(socket);
    }

    /** A connection to a loopback port from this local address (another 127.x.y.z is another source), 5 s read timeout. */
    public static RawHttp connect(int port, InetAddress from) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, from, 0);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        return new RawHttp(socket);
    }

    /**
     * Whether the server has closed the connection, looking for at most {@code waitMillis}: EOF or a
     * reset is closed; silence is open. Any bytes that arrive fail: nothing was expected.
     */
    public boolean closedWithin(int waitMillis) throws IOException {
        int before = socket.getSoTimeout();
        socket.setSoTimeout(Math.max(1, waitMillis));
        try {
            int b = in.read();
            if (b != -1) {
                throw new IOException("expected silence or a close, got data: " + (char) b);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset: closed too
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(before);
            }
        }
    }

    /** One request on a fresh connection, one response read. */
    public static Response exchange(int port, byte[] request) throws IOException {
        try (RawHttp c = connect(port)) {
            c.send(request);
            return c.read(false);
        }
    }

    public static Response exchange(int port, String request) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** {@code METHOD target HTTP/1.1}, a Host header unless one is given, the headers, an empty line. */
    public static String request(String method, String target, int port, List<Map.Entry<String, String>> headers) {
        StringBuilder b = new StringBuilder();
        b.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (headers.stream().noneMatch(h -> h.getKey().equalsIgnoreCase("host"))) {
            b.append("Host: 127.0.0.1:").append(port).append("\r\n");
        }
        for (Map.Entry<String, String> h : headers) {
            b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    public static String get(String target, int port, String... nameValues) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(Map.entry(nameValues[i], nameValues[i + 1]));
        }
        return request("GET", target, port, headers);
    }

    /** Bytes as ISO-8859-1: each char below 256 is one byte, so 0xFF can be written as {@code \u00ff}. */
    public void send(String raw) throws IOException {
        send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /**
     * Reads one response. {@code head}: the request was HEAD, so no body follows whatever the
     * headers say. Fails with {@link SocketTimeoutException} after 5 s of silence.
     */
    public Response read(boolean head) throws IOException {
        byte[] headBytes = readHead();
        if (headBytes == null) {
            throw new java.io.EOFException("connection closed before a response");
        }
        String text = new String(headBytes, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + lines[0]);
        }
        int status = Integer.parseInt(statusLine[1]);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad response header line: " + lines[i]);
            }
            headers.add(Map.entry(lines[i].substring(0, colon), HeaderBytes.utf8Text(lines[i].substring(colon + 1).trim())));
        }
        Response partial = new Response(status, text, headers, new byte[0]);
        byte[] body;
        String length = partial.header("content-length");
        if (head || status == 204 || status == 304 || status / 100 == 1) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(partial.header("transfer-encoding"))) {
            body = readChunked();
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, text, headers, body);
    }

    /** True when the server closed the connection (EOF within the read timeout), false when data came. */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true; // reset: closed too
        }
    }

    /** Whatever arrives until EOF (or the read timeout, which then fails). */
    public byte[] readToEnd() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // a reset after the answer is a close
        }
        return all.toByteArray();
    }

    private byte[] readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b == -1) {
                return head.size() == 0 ? null : failTruncated(head);
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        byte[] bytes = head.toByteArray();
        return java.util.Arrays.copyOf(bytes, bytes.length - 4);
    }

    private static byte[] failTruncated(ByteArrayOutputStream head) throws IOException {
        throw new IOException("connection closed inside the response head: " + head.toString(StandardCharsets.ISO_8859_1));
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine();
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        throw new java.io.EOFException("connection closed inside a chunked body");
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A response as it came: status, headers in order and case, body bytes, and the raw head. */
    public record Response(int status, String rawHead, List<Map.Entry<String, String>> headers, byte[] body) {
        /** The first header of this name (case-insensitive), or null. */
        public String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }

        public List<String> headers(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }

        /**
         * Every response header whose name contains "authgear" in any case or spelling, or that the
         * conformance table watches as a claim header (x-myapp-*, {@code ConformanceCase#isWatched}), by
         * lower-case name; a name that comes twice fails (the contract is one value per header).
         */
        public Map<String, String> authgearHeaders() {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, String> h : headers) {
                String name = h.getKey().toLowerCase(Locale.ROOT);
                if (name.contains("authgear") || io.authgate.testkit.ConformanceCase.isWatched(name)) {
                    if (out.put(name, h.getValue()) != null) {
                        throw new AssertionError("header " + name + " sent twice:\n" + rawHead);
                    }
                }
            }
            return out;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return rawHead + "\n\n" + bodyText();
        }
    }
}
