package io.authgate.apisix.it;

import io.authgate.testkit.TemporaryDirectories;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real APISIX Java Plugin Runner in a process of its own, started as APISIX's {@code ext-plugin.cmd} would:
 * {@code java -Dloader.path=<dir with only the plugin jar> -jar <runner jar>}, told where to listen through
 * {@code APISIX_LISTEN_ADDRESS} and how long conf tokens live through {@code APISIX_CONF_EXPIRE_TIME}.
 * Its stdout and stderr go to {@link #logFile()}.
 */
public final class RunnerProcess implements AutoCloseable {

    /** Set by failsafe: the runner's Spring Boot jar (apisix-runner-starter). */
    public static final String RUNNER_JAR_PROPERTY = "authgate.runner.jar";
    /** Set by failsafe: our shaded plugin jar. */
    public static final String PLUGIN_JAR_PROPERTY = "authgate.plugin.jar";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** sun_path holds 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final int LOG_TAIL_CHARS = 8000;

    private final Process process;
    private final Path socket;
    private final Path logFile;
    private final Thread killOnJvmExit;
    /** Holds the socket, the plugin link and the log; deleted once the runner has stopped. */
    private final Path workDir;

    private RunnerProcess(Process process, Path workDir, Path socket, Path logFile) {
        this.process = process;
        this.workDir = workDir;
        this.socket = socket;
        this.logFile = logFile;
        // an aborted test run must not leave runners behind
        this.killOnJvmExit = new Thread(process::destroyForcibly, "kill-runner-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnJvmExit);
    }

    /** The runner jar named by {@value #RUNNER_JAR_PROPERTY}. */
    public static Path runnerJar() {
        return jarFromProperty(RUNNER_JAR_PROPERTY);
    }

    /** The plugin jar named by {@value #PLUGIN_JAR_PROPERTY}. */
    public static Path pluginJar() {
        return jarFromProperty(PLUGIN_JAR_PROPERTY);
    }

    /** Fails with a clear message when the property is unset or names no file. */
    public static Path jarFromProperty(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set; run this test through"
                    + " maven-failsafe (mvn verify), which sets it");
        }
        Path jar = Path.of(value);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(property + " names " + jar + ", which does not exist; the jar is made"
                    + " before the integration-test phase (package / pre-integration-test)");
        }
        return jar;
    }

    /** A runner without any plugin: only the runner's own (empty) filter set. */
    public static RunnerProcess startWithoutPlugin(Path runnerJar) throws IOException {
        return start(runnerJar, null, Map.of(), List.of());
    }

    /**
     * Starts the runner and waits (at most 60 s) until it accepts connections on its socket.
     *
     * @param pluginJar    the only jar on the runner's {@code loader.path}, or null for an empty one
     * @param extraEnv     more environment variables for the runner (may override the two APISIX ones)
     * @param extraJvmArgs JVM options placed before {@code -jar}
     * @throws IllegalStateException when the runner exits or does not listen in time; carries the log's tail
     */
    public static RunnerProcess start(Path runnerJar, Path pluginJar, Map<String, String> extraEnv,
                                      List<String> extraJvmArgs) throws IOException {
        Path workDir = TemporaryDirectories.create("authgate-runner-");
        Path socket = workDir.resolve("runner.sock");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalStateException("socket path too long for a Unix domain socket: " + socket
                    + "; point java.io.tmpdir at a shorter directory");
        }
        // loader.path takes every jar in the directory, so the directory holds the plugin jar and nothing else
        Path loaderDir = Files.createDirectory(workDir.resolve("plugins"));
        if (pluginJar != null) {
            Files.createSymbolicLink(loaderDir.resolve(pluginJar.getFileName()), pluginJar.toAbsolutePath());
        }
        Path logFile = workDir.resolve("runner.log");

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // As apisix-conf/config.yaml starts it: a runner out of memory exits (APISIX restarts it)
        // rather than living on with dead threads.
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.addAll(extraJvmArgs);
        command.add("-Dloader.path=" + loaderDir);
        command.add("-jar");
        command.add(runnerJar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().put("APISIX_LISTEN_ADDRESS", "unix:" + socket);
        builder.environment().put("APISIX_CONF_EXPIRE_TIME", "3600");
        builder.environment().putAll(extraEnv);

        RunnerProcess runner = new RunnerProcess(builder.start(), workDir, socket, logFile);
        try {
            runner.awaitListening();
            return runner;
        } catch (IOException | RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw failure("the runner exited with status " + process.exitValue() + " before listening");
            }
            // the socket file appears at bind(); listen() follows, so only a connect proves readiness
            if (Files.exists(socket) && acceptsConnections()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw failure("the runner did not listen on " + socket + " within " + STARTUP_TIMEOUT);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the runner");
            }
        }
    }

    private boolean acceptsConnections() {
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(socket)).close();
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private IllegalStateException failure(String what) {
        String log = log();
        String tail = log.length() > LOG_TAIL_CHARS ? "..." + log.substring(log.length() - LOG_TAIL_CHARS) : log;
        return new IllegalStateException(what + "; log " + logFile + " ends with:\n" + tail);
    }

    public Path socket() {
        return socket;
    }

    public Path logFile() {
        return logFile;
    }

    /** Everything the runner wrote so far. */
    public String log() {
        try {
            return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, as APISIX does on exit; SIGKILL if the runner is still there after 5 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            TemporaryDirectories.delete(workDir);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnJvmExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to; nothing to undo
        }
    }
}
