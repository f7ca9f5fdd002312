package io.authgate.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's) for a test: on a free loopback port, with its own data
 * directory, killed and its directory deleted by {@link #close}. The stream must survive
 * {@link #kill()} (SIGKILL, as a crash) and {@link #restart()}, so it runs with the append-only
 * file fsynced on every write ({@code appendfsync always}) and no RDB snapshots; a restart is on
 * the same port with the same directory. A missing {@code redis-server} fails the test (never a skip):
 * {@code .ci/setup} installs it.
 */
public final class RedisServer implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final int port;
    private final Optional<String> password;
    private final Optional<RedisTls> tls;
    private Process process;

    private RedisServer(Path dir, int port, Optional<String> password, Optional<RedisTls> tls) {
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.tls = tls;
    }

    /** A server without a password. */
    public static RedisServer start() {
        return start(Optional.empty());
    }

    /** A server with {@code requirepass} set to {@code password} when given. */
    public static RedisServer start(Optional<String> password) {
        return start(password, false);
    }

    /**
     * A server that speaks only TLS ({@code tls-port}, the plain port off), with a self-signed
     * certificate for 127.0.0.1 ({@link #tls()}); clients are not asked for certificates.
     */
    public static RedisServer startTls() {
        return start(Optional.empty(), true);
    }

    private static RedisServer start(Optional<String> password, boolean withTls) {
        Path dir = TemporaryDirectories.create("authgate-redis-");
        Optional<RedisTls> tls = withTls ? Optional.of(RedisTls.create(dir)) : Optional.empty();
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) { // a free port can be taken by another test before Redis binds it
            RedisServer server = new RedisServer(dir, freePort(), password, tls);
            try {
                server.launch();
                return server;
            } catch (IOException e) {
                last = e;
            }
        }
        TemporaryDirectories.delete(dir);
        throw new UncheckedIOException(last);
    }

    public int port() {
        return port;
    }

    /** The certificate and a client context trusting it, for a server from {@link #startTls()}. */
    public RedisTls tls() {
        return tls.orElseThrow(() -> new IllegalStateException("this server was started without TLS"));
    }

    /** {@code redis://[:password@]127.0.0.1:port/0} ({@code rediss://} with TLS). */
    public String uri() {
        return (tls.isPresent() ? "rediss://" : "redis://") + password.map(p -> ":" + java.net.URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20") + "@").orElse("")
                + "127.0.0.1:" + port + "/0";
    }

    public Path dataDirectory() {
        return dir;
    }

    /** SIGKILL, as a crash or a lost machine would; waits until the process is gone. */
    public void kill() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts it again on the same port with the same data directory (so the stream is still there). */
    public void restart() {
        kill();
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One command through {@code redis-cli} (Redis's own client), its output as text: for a test to
     * look at the stream ({@code XLEN}, {@code XRANGE}) the way an operator would.
     */
    public String cli(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port), "--no-auth-warning"));
        password.ifPresent(p -> command.addAll(List.of("-a", p)));
        tls.ifPresent(t -> command.addAll(List.of("--tls", "--cacert", t.certificate().toString())));
        command.addAll(List.of(args));
        return ShortCommand.run(command);
    }

    /** The server's own log (for a failed test's message). */
    public String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read the log: " + e + ")";
        }
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server",
                "--port", tls.isPresent() ? "0" : Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
        password.ifPresent(p -> command.addAll(List.of("--requirepass", p)));
        tls.ifPresent(t -> command.addAll(List.of("--tls-port", Integer.toString(port), "--tls-cert-file", t.certificate().toString(),
                "--tls-key-file", t.privateKey().toString(), "--tls-auth-clients", "no")));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        process = p;
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("redis-server exited " + p.exitValue() + " on port " + port + ": " + log());
            }
            if (answersPing()) {
                return;
            }
            sleep(20);
        }
        kill();
        throw new IOException("redis-server did not answer PING on port " + port + " within " + READY_TIMEOUT.toSeconds() + " s: " + log());
    }

    /** PING answered +PONG, or -NOAUTH when a password is set: the server is up and has loaded its data (not -LOADING). */
    private boolean answersPing() {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 500);
            plain.setSoTimeout(1000);
            Socket s = tls.isPresent()
                    ? tls.get().clientContext().getSocketFactory().createSocket(plain, "127.0.0.1", port, true)
                    : plain;
            OutputStream out = s.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(5);
            String reply = new String(head, StandardCharsets.US_ASCII);
            return reply.startsWith("+PONG") || reply.startsWith("-NOAU");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
        TemporaryDirectories.delete(dir);
    }
}
