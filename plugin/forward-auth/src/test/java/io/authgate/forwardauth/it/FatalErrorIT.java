package io.authgate.forwardauth.it;

import io.authgate.testkit.TemporaryDirectories;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.tools.attach.VirtualMachine;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dead process beats a zombie: when an Error happens anyway, the adapter exits with status 3 and
 * one line saying what died, so systemd or Kubernetes restarts it, instead of living on with a
 * listening port that answers nothing. Two real Errors in the real process, no hook in the adapter:
 * direct memory running out inside the event loop (a JVM started with a tight
 * {@code -XX:MaxDirectMemorySize}, then a request whose head needs more: the JDK throws
 * OutOfMemoryError from Java code, which {@code -XX:+ExitOnOutOfMemoryError} does not cover and
 * Netty catches), and event-loop threads dying ({@link StopThreadsAgent} loaded through the attach
 * API throws ThreadDeath in them, as the issue saw a NoClassDefFoundError kill one).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FatalErrorIT {
    private static final String RESOLVE = "/_resolver/resolve";
    private static final String CONFIG = "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n";

    private TestIssuer issuer;
    private AdapterProcess adapter;

    @BeforeEach
    void startIssuer() {
        issuer = TestIssuer.start();
    }

    @AfterEach
    void stopAll() {
        if (adapter != null) {
            adapter.close();
        }
        issuer.close();
    }

    private String token() {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
    }

    private void assertServed(int port) throws IOException {
        RawHttp.Response r = RawHttp.exchange(port, RawHttp.get(RESOLVE, port, "Authorization", "Bearer " + token()));
        assertThat(r.status()).as("served before the failure").isEqualTo(200);
    }

    /** Exit status 3 and, last in the log, one line naming what happened; no stack trace after it. */
    private void assertDiedWithOneLine(String mentions) throws InterruptedException {
        int status = adapter.awaitExit(Duration.ofSeconds(15));
        String log = adapter.log();
        assertThat(status).as("exit status\n%s", log).isEqualTo(3);
        List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
        String last = lines.get(lines.size() - 1);
        assertThat(last).as("the last line\n%s", log).startsWith("authgate: fatal: ").contains(mentions).contains("exiting");
    }

    @Test
    void directMemoryRunningOutInsideTheEventLoopEndsTheProcess() throws Exception {
        // One event loop for connections: the JVM's own direct buffers at start (the epoll event
        // arrays) then take about 96 KiB of the 160 KiB, and a 60 KB head cannot be buffered.
        adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\n" + CONFIG + "event_loop_threads: 1\n",
                new AdapterProcess.Launch(List.of(), List.of("-XX:MaxDirectMemorySize=160k")));
        int port = adapter.decisionPort();
        assertServed(port);

        try (RawHttp c = RawHttp.connect(port)) {
            c.send(RawHttp.get(RESOLVE, port, "X-Large", "v".repeat(60_000)));
            c.readToEnd();
        } catch (IOException e) {
            // reset: expected, the process is going away
        }
        assertDiedWithOneLine("OutOfMemoryError");
    }

    @Test
    void eventLoopThreadsDyingEndTheProcess() throws Exception {
        adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\n" + CONFIG);
        int port = adapter.decisionPort();
        assertServed(port);
        killEventLoopThreads(port);
        assertDiedWithOneLine("thread");
    }

    /** Under {@code log_format: json} the last words are a JSON line too, like every line before them. */
    @Test
    void underLogFormatJsonTheFatalLineIsJson() throws Exception {
        adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\n" + CONFIG + "log_format: json\n");
        int port = adapter.decisionPort();
        assertServed(port);
        killEventLoopThreads(port);
        int status = adapter.awaitExit(Duration.ofSeconds(15));
        String log = adapter.log();
        assertThat(status).as("exit status\n%s", log).isEqualTo(3);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : log.lines().filter(l -> !l.isBlank()).toList()) {
            lines.add(new ObjectMapper().readTree(l)); // fails on any line that is not JSON
        }
        JsonNode last = lines.get(lines.size() - 1);
        assertThat(last.get("level").textValue()).as("the last line\n%s", log).isEqualTo("fatal");
        assertThat(last.get("event").textValue()).isEqualTo("fatal");
        assertThat(last.get("message").textValue()).startsWith("fatal: ").contains("thread").endsWith("; exiting");
    }

    /** Loads {@link StopThreadsAgent} into the adapter and wakes its event loops until it is gone. */
    private void killEventLoopThreads(int port) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(adapter.process().pid()));
        try {
            // Netty's default thread names, and the adapter's own.
            vm.loadAgent(agentJar().toString(), "(?i).*(eventloopgroup|authgate-io|authgate-accept).*");
        } finally {
            vm.detach();
        }
        // A thread blocked in epoll_wait meets its ThreadDeath when it wakes: a connection wakes
        // the accepting one, and it hands the connection to a connection thread.
        for (int i = 0; i < 3 && adapter.process().isAlive(); i++) {
            try (RawHttp c = RawHttp.connect(port)) {
                c.socket().setSoTimeout(1_000);
                c.send(RawHttp.get(RESOLVE, port));
                c.read(false);
            } catch (IOException e) {
                // not answered: the thread died
            }
        }
    }

    /** {@link StopThreadsAgent} in a jar of its own, with the manifest entry the attach API reads. */
    private static Path agentJar() throws IOException {
        Path jar = TemporaryDirectories.create("authgate-agent").resolve("stop-threads-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Agent-Class"), StopThreadsAgent.class.getName());
        String entry = StopThreadsAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = StopThreadsAgent.class.getClassLoader().getResourceAsStream(entry)) {
            assertThat(in).as("compiled agent class %s", entry).isNotNull();
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
