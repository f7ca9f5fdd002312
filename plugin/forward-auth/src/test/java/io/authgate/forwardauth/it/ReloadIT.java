package io.authgate.forwardauth.it;

import io.authgate.testkit.ResolverStandIn;
import io.authgate.testkit.StandInSession;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code SIGHUP} re-reads the configuration file of a running adapter (the built jar, its own
 * process): a valid file replaces the running configuration at once while requests in flight
 * finish on the old one, keys carry over while the issuer is unchanged, and a file that is invalid,
 * unreadable or changes what only a restart can change is refused with the key and the reason while
 * the old configuration keeps serving.
 *
 * <p>Timing (2 loaded cores): the request held in flight waits 4 s at the resolver stand-in; the
 * reload it overlaps takes well under a second; log lines are waited for up to 20 s.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReloadIT {
    private static final String EPHEMERAL = "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n";
    private static final Duration LOG_WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private TestIssuer issuer;

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private TestIssuer issuer() {
        TestIssuer started = TestIssuer.start();
        closing.add(started);
        return started;
    }

    private Path config(String yaml) throws IOException {
        Path file = dir.resolve("authgate.yaml");
        // Written whole then moved, as an editor or a config manager replaces a file: a reload never
        // reads half a file.
        Path next = dir.resolve("authgate.yaml.next");
        Files.writeString(next, yaml);
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private AdapterProcess adapter(String yaml) throws IOException {
        AdapterProcess a = AdapterProcess.startWithArgs(dir, List.of("--config", config(yaml).toString()));
        closing.add(0, a);
        return a;
    }

    private static String token(TestIssuer issuer) {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
    }

    private static RawHttp.Response decide(AdapterProcess a, String... headers) throws IOException {
        return RawHttp.exchange(a.decisionPort(), RawHttp.get("/_resolver/resolve", a.decisionPort(), headers));
    }

    private static void hangUp(AdapterProcess a) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(a.process().pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -HUP").isZero();
    }

    /** Waits until the log has {@code count} lines matching; returns the last of them. */
    private static String awaitLogLine(AdapterProcess a, Predicate<String> line, int count) throws InterruptedException {
        long deadline = System.nanoTime() + LOG_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> lines = a.log().lines().filter(line).toList();
            if (lines.size() >= count) {
                return lines.get(count - 1);
            }
            if (!a.process().isAlive()) {
                throw new AssertionError("the adapter ended (exit " + a.process().exitValue() + ") while a log line was awaited:\n" + a.log());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such log line within " + LOG_WAIT + ":\n" + a.log());
    }

    private static boolean reloaded(String line) {
        return line.contains("config reloaded");
    }

    private static boolean refused(String line) {
        return line.contains("reload refused");
    }

    /** nohup starts the JVM with SIGHUP ignored, and HotSpot then installs no handler: say so, once, at start. */
    @Test
    void underNohupTheAdapterSaysAtStartThatASighupReloadsNothing() throws Exception {
        issuer = issuer();
        AdapterProcess a = AdapterProcess.startWithArgs(dir, List.of("--config", config("authgear_endpoint: " + issuer.issuer() + "\n"
                + EPHEMERAL).toString()), new AdapterProcess.Launch(List.of("nohup"), List.of()));
        closing.add(0, a);
        awaitLogLine(a, l -> l.contains("SIGHUP is ignored by this process"), 1);
        hangUp(a);
        Thread.sleep(1_000);
        assertThat(a.process().isAlive()).as("still serving:\n%s", a.log()).isTrue();
        assertThat(a.log()).doesNotContain("config reloaded");
    }

    @Test
    void sighupKeepsTheProcessServingInsteadOfEndingIt() throws Exception {
        issuer = issuer();
        AdapterProcess a = adapter("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL);
        String token = token(issuer);
        assertThat(decide(a, "Authorization", "Bearer " + token).status()).isEqualTo(200);

        hangUp(a);
        awaitLogLine(a, ReloadIT::reloaded, 1);

        assertThat(a.process().isAlive()).as("alive after SIGHUP; log:\n%s", a.log()).isTrue();
        RawHttp.Response after = decide(a, "Authorization", "Bearer " + token);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.authgearHeaders()).containsKey("x-authgear-user-id");
    }

    @Test
    void aValidFileReplacesTheConfigWhileARequestInFlightFinishesOnTheOldOne() throws Exception {
        issuer = issuer();
        ResolverStandIn standIn = issuer.resolver();
        String cookie = "reload-in-flight-" + System.nanoTime();
        standIn.cookieSession(ResolverStandIn.APP_SESSION, cookie, StandInSession.defaultUser());
        String resolver = "resolver: {timeout_ms: 15000}\n";
        AdapterProcess a = adapter("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL + resolver);

        standIn.delay(Duration.ofSeconds(4));
        CompletableFuture<RawHttp.Response> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                try (RawHttp c = RawHttp.connect(a.decisionPort())) {
                    c.socket().setSoTimeout(15_000);
                    c.send(RawHttp.get("/_resolver/resolve", a.decisionPort(), "Cookie", ResolverStandIn.APP_SESSION + "=" + cookie));
                    return c.read(false);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(standIn.awaitCalls(1, Duration.ofSeconds(10))).as("the request reached the resolver stand-in").isTrue();

        // The new configuration denies everyone without the role "auditor" (the default user lacks it).
        config("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL + resolver
                + "mode: enforce\npolicy: {roles_any: [auditor]}\n");
        hangUp(a);
        awaitLogLine(a, ReloadIT::reloaded, 1);
        assertThat(inFlight).as("still held at the stand-in when the reload was done").isNotDone();
        standIn.delay(Duration.ZERO);

        RawHttp.Response old = inFlight.get(20, TimeUnit.SECONDS);
        assertThat(old.status()).as("answered by the old configuration (resolve mode, no policy)").isEqualTo(200);
        assertThat(old.authgearHeaders()).containsEntry("x-authgear-user-id", StandInSession.defaultUser().userId());

        assertThat(decide(a, "Authorization", "Bearer " + token(issuer)).status()).as("the new configuration: enforce, roles_any [auditor]")
                .isEqualTo(403);
        assertThat(a.log()).doesNotContain(cookie);
    }

    @Test
    void keysCarryOverWhileTheIssuerIsUnchanged() throws Exception {
        issuer = issuer();
        AdapterProcess a = adapter("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL);
        String token = token(issuer);
        assertThat(decide(a, "Authorization", "Bearer " + token).status()).isEqualTo(200);
        int fetches = issuer.jwksFetches();
        assertThat(fetches).isPositive();

        config("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL + "mode: enforce\n");
        hangUp(a);
        awaitLogLine(a, ReloadIT::reloaded, 1);

        RawHttp.Response after = decide(a, "Authorization", "Bearer " + token);
        assertThat(after.status()).isEqualTo(200);
        assertThat(decide(a).status()).as("enforce mode applies: no credentials is 401").isEqualTo(401);
        assertThat(issuer.jwksFetches()).as("no new JWKS fetch after a reload that keeps the issuer").isEqualTo(fetches);
    }

    @Test
    void aReloadThatChangesTheIssuerFetchesTheNewIssuersKeys() throws Exception {
        issuer = issuer();
        TestIssuer next = issuer();
        AdapterProcess a = adapter("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL);
        assertThat(decide(a, "Authorization", "Bearer " + token(issuer)).authgearHeaders()).containsKey("x-authgear-user-id");
        assertThat(next.jwksFetches()).isZero();

        config("authgear_endpoint: " + next.issuer() + "\n" + EPHEMERAL);
        hangUp(a);
        awaitLogLine(a, ReloadIT::reloaded, 1);

        RawHttp.Response fromNext = decide(a, "Authorization", "Bearer " + token(next));
        assertThat(fromNext.status()).isEqualTo(200);
        assertThat(fromNext.authgearHeaders()).containsKey("x-authgear-user-id");
        assertThat(next.jwksFetches()).as("the new issuer's JWKS was fetched").isPositive();
        assertThat(decide(a, "Authorization", "Bearer " + token(issuer)).authgearHeaders())
                .as("the old issuer's tokens are no longer accepted").doesNotContainKey("x-authgear-user-id");
    }

    @Test
    void anInvalidFileIsRefusedWithTheKeyAndReasonAndTheOldConfigKeepsServing() throws Exception {
        issuer = issuer();
        AdapterProcess a = adapter("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL);
        String token = token(issuer);

        config("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL + "mode: enforcing\n");
        hangUp(a);
        String line = awaitLogLine(a, ReloadIT::refused, 1);
        assertThat(line).contains("mode: ").contains("the running configuration keeps serving");

        assertThat(a.process().isAlive()).isTrue();
        assertThat(decide(a).status()).as("still resolve mode: no credentials is 200").isEqualTo(200);
        assertThat(decide(a, "Authorization", "Bearer " + token).authgearHeaders()).containsKey("x-authgear-user-id");

        // And a later valid file is taken.
        config("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL + "mode: enforce\n");
        hangUp(a);
        awaitLogLine(a, ReloadIT::reloaded, 1);
        assertThat(decide(a).status()).isEqualTo(401);
    }

    @Test
    void aFileThatIsNotYamlOrIsGoneIsRefused() throws Exception {
        issuer = issuer();
        AdapterProcess a = adapter("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL);

        config("authgear_endpoint: [unclosed\n");
        hangUp(a);
        assertThat(awaitLogLine(a, ReloadIT::refused, 1)).contains("not valid YAML");

        Files.delete(dir.resolve("authgate.yaml"));
        hangUp(a);
        assertThat(awaitLogLine(a, ReloadIT::refused, 2)).contains("authgate.yaml");

        assertThat(a.process().isAlive()).isTrue();
        assertThat(decide(a, "Authorization", "Bearer " + token(issuer)).status()).isEqualTo(200);
    }

    /**
     * A named pipe in the file's place: opening it for reading waits for a writer, for ever, and the
     * one reload thread with it, so every later SIGHUP changed nothing. A reload reads regular files
     * only (a pipe can be read once, at start) and says so.
     */
    @Test
    void aPipeInTheFilesPlaceIsRefusedAndLaterReloadsStillWork() throws Exception {
        issuer = issuer();
        AdapterProcess a = adapter("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL);
        Path file = dir.resolve("authgate.yaml");
        Files.delete(file);
        assertThat(new ProcessBuilder("mkfifo", file.toString()).start().waitFor()).isZero();
        hangUp(a);
        assertThat(awaitLogLine(a, ReloadIT::refused, 1)).contains("authgate.yaml").contains("not a regular file");

        Files.delete(file);
        config("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL + "mode: enforce\n");
        hangUp(a);
        awaitLogLine(a, ReloadIT::reloaded, 1);
        assertThat(decide(a).status()).as("the new file serves: enforce").isEqualTo(401);
    }

    @Test
    void aChangedListenAddressIsRefusedNamingTheKey() throws Exception {
        issuer = issuer();
        AdapterProcess a = adapter("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL);
        int other = AdapterProcess.freePort();

        config("authgear_endpoint: " + issuer.issuer() + "\nlisten: 127.0.0.1:" + other + "\nadmin_listen: 127.0.0.1:0\nmode: enforce\n");
        hangUp(a);
        String line = awaitLogLine(a, ReloadIT::refused, 1);
        assertThat(line).contains("listen: ").contains("restart");

        assertThat(decide(a).status()).as("nothing of the refused file applies (still resolve mode)").isEqualTo(200);
    }
}
