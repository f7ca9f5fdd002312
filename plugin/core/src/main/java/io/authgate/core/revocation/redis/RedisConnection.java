package io.authgate.core.revocation.redis;

import io.authgate.core.RevocationFeedFailure;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One blocking connection to Redis, used by one thread of the feed at a time (never an event loop).
 * Every step has a deadline: opening (TCP, TLS, AUTH, SELECT, TIME together) is bounded by the
 * connect timeout, each command by its own timeout. The socket's read timeout stops a silent server;
 * a watchdog closes the socket at the deadline, which also stops a write the server does not read and
 * a server that drips a reply one byte at a time. After any failure the connection is closed and
 * unusable: the caller opens another.
 */
final class RedisConnection implements AutoCloseable {
    private final RedisUri uri;
    private final Socket socket;
    private final OutputStream out;
    private final RespReader in;
    private final ScheduledExecutorService watchdog;
    private volatile boolean overDeadline;
    /** Redis's clock minus ours, in ms, measured once with TIME: stream ids are Redis's clock. */
    private long clockOffsetMillis;

    private RedisConnection(RedisUri uri, Socket socket, int maxReplyBytes, ScheduledExecutorService watchdog) throws IOException {
        this.uri = uri;
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new RespReader(new BufferedInputStream(socket.getInputStream(), 16 * 1024), maxReplyBytes);
        this.watchdog = watchdog;
    }

    /**
     * Connects, logs in, selects the database and reads Redis's clock, all within
     * {@code settings.connectTimeout()}; {@code tls} is used for {@code rediss://}.
     */
    static RedisConnection open(RedisSettings settings, ScheduledExecutorService watchdog, SSLSocketFactory tls) throws RedisException {
        RedisUri uri = settings.uri();
        Socket socket = new Socket();
        long timeoutMillis = settings.connectTimeout().toMillis();
        // Set before the socket is closed: the failing read can come before the watchdog's future says
        // it is done, and isDone() then called a deadline a connect failure.
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard = watchdog.schedule(() -> {
            expired.set(true);
            closeQuietly(socket);
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) timeoutMillis);
            socket.connect(new InetSocketAddress(uri.host(), uri.port()), (int) timeoutMillis);
            Socket wire = uri.tls() ? tls(tls, socket, uri) : socket;
            RedisConnection c = new RedisConnection(uri, wire, settings.maxReplyBytes(), watchdog);
            c.hello(settings.connectTimeout());
            return c;
        } catch (RedisException e) {
            closeQuietly(socket);
            throw e;
        } catch (IOException e) {
            closeQuietly(socket);
            throw classify(uri, e, expired.get());
        } finally {
            guard.cancel(false);
        }
    }

    private static Socket tls(SSLSocketFactory factory, Socket plain, RedisUri uri) throws IOException {
        SSLSocket ssl = (SSLSocket) factory.createSocket(plain, uri.host(), uri.port(), true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host, as for HTTPS
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        return ssl;
    }

    private void hello(Duration timeout) throws IOException {
        if (uri.password().isPresent()) {
            List<String> auth = uri.user().isPresent()
                    ? List.of("AUTH", uri.user().get(), uri.password().get())
                    : List.of("AUTH", uri.password().get());
            Reply r = exchange(encode(auth.stream().map(RedisConnection::utf8).toArray(byte[][]::new)));
            if (r instanceof Reply.Error e) {
                // WRONGPASS, or "ERR AUTH <password> called without any password configured": the login does not fit
                throw new RedisException(RevocationFeedFailure.AUTH, uri + ": AUTH refused (" + firstWord(e.text()) + ")");
            }
        }
        if (uri.database() != 0) {
            expectOk(answer(exchange(encode(utf8("SELECT"), utf8(Integer.toString(uri.database())))), "SELECT"), "SELECT");
        }
        long before = System.currentTimeMillis();
        Reply time = answer(exchange(encode(utf8("TIME"))), "TIME");
        long after = System.currentTimeMillis();
        clockOffsetMillis = redisMillis(time) - (before + after) / 2;
    }

    /** Redis's clock now, in ms since the epoch, as its stream ids count. */
    long redisNowMillis() {
        return System.currentTimeMillis() + clockOffsetMillis;
    }

    /**
     * Sends one command and reads its reply within {@code timeout}. An error reply is a
     * {@link RedisException} (AUTH for NOAUTH/WRONGPASS, else REFUSED); so is every I/O failure.
     */
    Reply call(Duration timeout, byte[]... args) throws RedisException {
        byte[] command = encode(args);
        overDeadline = false;
        ScheduledFuture<?> guard = watchdog.schedule(() -> {
            overDeadline = true;
            closeQuietly(socket);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            return answer(exchange(command), utf8Name(args[0]));
        } catch (RedisException e) {
            close();
            throw e;
        } catch (IOException e) {
            close();
            throw classify(uri, e, overDeadline);
        } finally {
            guard.cancel(false);
        }
    }

    /** The reply, unless it is an error: then AUTH for NOAUTH/WRONGPASS, else REFUSED. */
    private Reply answer(Reply r, String command) throws RedisException {
        if (r instanceof Reply.Error e) {
            RevocationFeedFailure kind = e.text().startsWith("NOAUTH") || e.text().startsWith("WRONGPASS")
                    ? RevocationFeedFailure.AUTH : RevocationFeedFailure.REFUSED;
            throw new RedisException(kind, uri + ": " + command + " refused (" + firstWord(e.text()) + ")");
        }
        return r;
    }

    private Reply exchange(byte[] command) throws IOException {
        out.write(command);
        out.flush();
        return in.read();
    }

    private static void expectOk(Reply r, String command) throws RedisException {
        if (!(r instanceof Reply.Simple s) || !s.text().equals("OK")) {
            throw new RedisException(RevocationFeedFailure.REFUSED, command + " was not answered OK");
        }
    }

    private static long redisMillis(Reply time) throws RedisException {
        if (time instanceof Reply.Array a && a.items().size() == 2
                && a.items().get(0) instanceof Reply.Bulk s && a.items().get(1) instanceof Reply.Bulk us) {
            try {
                return Long.parseLong(s.text()) * 1000 + Long.parseLong(us.text()) / 1000;
            } catch (NumberFormatException e) {
                // falls through to the protocol error
            }
        }
        throw new RedisException(RevocationFeedFailure.PROTOCOL, "TIME was not answered with seconds and microseconds");
    }

    /** RESP2's command form: an array of bulk strings. */
    static byte[] encode(byte[]... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64 + java.util.Arrays.stream(args).mapToInt(a -> a.length + 16).sum());
        b.writeBytes(utf8("*" + args.length + "\r\n"));
        for (byte[] a : args) {
            b.writeBytes(utf8("$" + a.length + "\r\n"));
            b.writeBytes(a);
            b.writeBytes(CRLF);
        }
        return b.toByteArray();
    }

    private static final byte[] CRLF = {'\r', '\n'};

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8Name(byte[] command) {
        return new String(command, StandardCharsets.UTF_8);
    }

    /** Redis's error code ({@code WRONGTYPE}, {@code OOM}); the rest of its text is not ours to log. */
    private static String firstWord(String error) {
        int space = error.indexOf(' ');
        return space < 0 ? error : error.substring(0, space);
    }

    private static RedisException classify(RedisUri uri, IOException e, boolean overDeadline) {
        if (e instanceof RedisException r) {
            return r;
        }
        if (overDeadline || e instanceof SocketTimeoutException) {
            return new RedisException(RevocationFeedFailure.TIMEOUT, uri + ": no answer in time", e);
        }
        if (e instanceof UnknownHostException) {
            return new RedisException(RevocationFeedFailure.CONNECT, uri + ": the host name does not resolve", e);
        }
        if (e instanceof SSLException) {
            return new RedisException(RevocationFeedFailure.CONNECT, uri + ": TLS failed: " + e.getMessage(), e);
        }
        return new RedisException(RevocationFeedFailure.CONNECT, uri + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }
}
