package io.authgate.forwardauth.it;

import io.authgate.testkit.TemporaryDirectories;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built adapter jar ({@code authgate.forward-auth.jar}, set by failsafe) run as its own process,
 * as a user runs it: {@code java -jar ... --config FILE}. Output goes to a log file; start waits for
 * the "listening" line and reads the bound ports from it.
 */
public final class AdapterProcess implements AutoCloseable {
    public static final String JAR_PROPERTY = "authgate.forward-auth.jar";
    private static final Pattern LISTENING = Pattern.compile(
            "listening: decisions http://([^/]+)/_resolver/resolve, admin http://([^ ]+) ");

    private final Process process;
    private final Path log;
    private final InetSocketAddress decisions;
    private final InetSocketAddress admin;
    /** The directory {@link #start} made for the config and log, deleted by {@link #close}; none when the caller gave one. */
    private final Optional<Path> ownDir;

    private AdapterProcess(Process process, Path log, InetSocketAddress decisions, InetSocketAddress admin, Optional<Path> ownDir) {
        this.process = process;
        this.log = log;
        this.decisions = decisions;
        this.admin = admin;
        this.ownDir = ownDir;
    }

    /** The adapter jar, or a clear failure when the property is unset or names no file. */
    public static Path jar() {
        String value = System.getProperty(JAR_PROPERTY);
        if (value == null || !Files.isRegularFile(Path.of(value))) {
            throw new IllegalStateException(JAR_PROPERTY + " must name the built adapter jar (run through mvn verify); got " + value);
        }
        return Path.of(value);
    }

    /** A free loopback port (racy in theory; fine for tests on one machine). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The JVM options the README tells users to run the adapter with: a small fixed heap, the
     * parallel collector, and death rather than a zombie on OutOfMemoryError.
     */
    public static final List<String> USER_JVM_OPTIONS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError");

    /**
     * How to launch the process beyond the user's command line: a wrapper in front of {@code java}
     * (e.g. {@code prlimit --nofile=256:256}) and JVM options after the user's (so they win).
     */
    public record Launch(List<String> wrapper, List<String> jvmOptions) {
        public static final Launch AS_THE_USER = new Launch(List.of(), List.of());

        public Launch {
            wrapper = List.copyOf(wrapper);
            jvmOptions = List.copyOf(jvmOptions);
        }
    }

    /**
     * Starts the adapter with this YAML (written to a temp file). Use {@code listen:
     * 127.0.0.1:0} and {@code admin_listen: 127.0.0.1:0} for ephemeral ports; the bound ones are read
     * back from the log.
     */
    public static AdapterProcess start(String yaml) throws IOException {
        return start(yaml, Launch.AS_THE_USER);
    }

    /** {@link #start(String)} with these JVM options after the user's (so they win). */
    public static AdapterProcess start(String yaml, List<String> jvmOptions) throws IOException {
        return start(yaml, new Launch(List.of(), jvmOptions));
    }

    public static AdapterProcess start(String yaml, Launch launch) throws IOException {
        Path dir = TemporaryDirectories.create("authgate-adapter");
        Path config = dir.resolve("authgate.yaml");
        Files.writeString(config, yaml);
        return startWithArgs(dir, List.of("--config", config.toString()), launch, Optional.of(dir));
    }

    /** Starts the jar with these arguments, its log in {@code dir} (the caller's to delete). */
    public static AdapterProcess startWithArgs(Path dir, List<String> args) throws IOException {
        return startWithArgs(dir, args, Launch.AS_THE_USER, Optional.empty());
    }

    /** The same, launched as {@code launch} says (a wrapper such as {@code nohup}). */
    public static AdapterProcess startWithArgs(Path dir, List<String> args, Launch launch) throws IOException {
        return startWithArgs(dir, args, launch, Optional.empty());
    }

    private static AdapterProcess startWithArgs(Path dir, List<String> args, Launch launch, Optional<Path> ownDir) throws IOException {
        Path log = dir.resolve("adapter.log");
        List<String> command = new ArrayList<>(launch.wrapper());
        command.add(javaBin());
        command.addAll(USER_JVM_OPTIONS);
        command.addAll(launch.jvmOptions());
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                return new AdapterProcess(process, log, address(m.group(1)), address(m.group(2)), ownDir);
            }
            if (!process.isAlive()) {
                ownDir.ifPresent(TemporaryDirectories::delete);
                throw new IllegalStateException("adapter exited with " + process.exitValue() + ":\n" + text);
            }
            sleep(50);
        }
        process.destroyForcibly();
        String text = Files.readString(log);
        ownDir.ifPresent(TemporaryDirectories::delete);
        throw new IllegalStateException("adapter did not start within 30 s:\n" + text);
    }

    /** Runs the jar to completion (for configurations that must fail); returns exit code and output. */
    public static Result run(List<String> args, Duration timeout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-XX:+ExitOnOutOfMemoryError", "-jar", jar().toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("adapter did not exit within " + timeout);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    public record Result(int exitCode, String output) {
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** e.g. {@code http://127.0.0.1:40123} */
    public String decisionOrigin() {
        return "http://127.0.0.1:" + decisions.getPort();
    }

    public int decisionPort() {
        return decisions.getPort();
    }

    /** The webhook port the start-up line names ({@code webhook_listen}). */
    public int webhookPort() {
        Matcher m = Pattern.compile("webhooks http://[^ ]+:(\\d+)/authgear/webhook").matcher(log());
        if (!m.find()) {
            throw new IllegalStateException("the adapter names no webhook port:\n" + log());
        }
        return Integer.parseInt(m.group(1));
    }

    public int adminPort() {
        return admin.getPort();
    }

    public String adminOrigin() {
        return "http://127.0.0.1:" + admin.getPort();
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public Process process() {
        return process;
    }

    /** The adapter's resident memory now, from /proc (Linux). */
    public long residentKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for process " + process.pid() + " (not Linux, or it has exited)");
    }

    /** Waits for the process to end on its own; returns its exit code, or fails. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("adapter still running after " + timeout + ":\n" + log());
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits; returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("adapter did not stop within " + timeout + " after SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    /** SIGTERM (SIGKILL after 5 s), then the directory {@link #start} made is deleted. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            ownDir.ifPresent(TemporaryDirectories::delete);
        }
    }
}
