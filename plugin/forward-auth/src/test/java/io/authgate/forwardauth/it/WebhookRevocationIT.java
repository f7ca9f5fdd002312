package io.authgate.forwardauth.it;

import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.AuthgearWebhooks;
import io.authgate.testkit.ResolverStandIn;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter jar with {@code webhook_listen}: Authgear's signed events (signed here as Authgear's
 * {@code pkg/lib/hook/hook_web.go} does, hex HMAC-SHA256 of the body) posted to its own port, real
 * RSA tokens verified against the issuer's JWKS over HTTP, decisions asked on the decision port.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookRevocationIT {
    private static final String SECRET = "it-webhook-secret-0123456789abcd";
    private static final String USER = AuthgearClaims.USER_ID;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TestIssuer issuer;
    private final List<AdapterProcess> adapters = new ArrayList<>();
    private long seq = 100;

    @BeforeEach
    void startIssuer() {
        issuer = TestIssuer.start();
    }

    @AfterEach
    void stopAll() {
        adapters.forEach(AdapterProcess::close);
        issuer.close();
    }

    private AdapterProcess adapter(String extra) throws IOException {
        AdapterProcess a = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\nlisten: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n"
                + "webhook_listen: 127.0.0.1:0\nmode: enforce\nrevocation:\n  webhook_secret: " + SECRET + "\n" + extra);
        adapters.add(a);
        return a;
    }

    private String token() {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString())),
                System.currentTimeMillis() / 1000);
    }

    private static int decide(AdapterProcess a, String... headers) throws IOException {
        return RawHttp.exchange(a.decisionPort(), RawHttp.get("/_resolver/resolve", a.decisionPort(), headers)).status();
    }

    private static int withToken(AdapterProcess a, String token) throws IOException {
        return decide(a, "Authorization", "Bearer " + token);
    }

    private static byte[] event(String type, long timestamp, long seq) {
        return AuthgearWebhooks.event(type, USER, timestamp, seq);
    }

    private byte[] event(String type) {
        return event(type, System.currentTimeMillis() / 1000, ++seq);
    }

    private static String sign(String secret, byte[] body) {
        return AuthgearWebhooks.sign(secret, body);
    }

    private static HttpResponse<String> post(AdapterProcess a, byte[] body, String signature, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.webhookPort() + "/authgear/webhook"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", contentType);
        if (signature != null) {
            b.header("x-authgear-body-signature", signature);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(AdapterProcess a, byte[] body) throws Exception {
        return post(a, body, sign(SECRET, body), "application/json");
    }

    private static void awaitNextSecond() throws InterruptedException {
        long now = System.currentTimeMillis();
        Thread.sleep(1000 - now % 1000 + 20);
    }

    @Test
    void aSignOutRefusesTheOldTokenWithinASecondAndATokenMintedAfterWorks() throws Exception {
        AdapterProcess a = adapter("");
        String old = token();
        assertThat(withToken(a, old)).isEqualTo(200);
        assertThat(withToken(a, old)).as("now from the cache").isEqualTo(200);
        awaitNextSecond();

        long posted = System.nanoTime();
        HttpResponse<String> answer = post(a, event("user.signed_out"));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(withToken(a, old)).isEqualTo(401);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - posted);
        assertThat(millis).as("event posted to old token refused").isLessThan(1000);
        assertThat(withToken(a, token())).as("a token minted after the sign-out").isEqualTo(200);

        Map<String, Double> m = PrometheusScrape.scrape(a.adminPort());
        assertThat(m.get("authgate_webhook_events_total{outcome=\"accepted\"}")).isEqualTo(1.0);
        assertThat(m.get("authgate_revocation_watermarks")).isEqualTo(1.0);
        assertThat(m.get("authgate_token_rejections_total{reason=\"revoked\"}")).isEqualTo(1.0);
        System.out.println("webhook sign-out: posted -> old token refused in " + millis + " ms");
    }

    @Test
    void aDisabledUserIsRefusedUntilReenabledAndALateDisableDoesNotBlockAgain() throws Exception {
        AdapterProcess a = adapter("");
        long t = System.currentTimeMillis() / 1000;
        byte[] disable = event("user.disabled", t, 10);
        assertThat(post(a, disable).statusCode()).isEqualTo(200);
        String fresh = token();
        assertThat(withToken(a, fresh)).as("even a token minted after").isEqualTo(401);
        assertThat(post(a, disable).statusCode()).as("a duplicate").isEqualTo(200);
        assertThat(post(a, event("user.reenabled", t + 1, 11)).statusCode()).isEqualTo(200);
        awaitNextSecond();
        awaitNextSecond();
        String afterReenable = token();
        assertThat(withToken(a, afterReenable)).isEqualTo(200);
        assertThat(post(a, disable).statusCode()).as("the disable, delivered late once more").isEqualTo(200);
        assertThat(withToken(a, afterReenable)).as("older than the re-enable: no block").isEqualTo(200);
    }

    @Test
    void watermarksExpireAfterTheConfiguredLifetime() throws Exception {
        AdapterProcess a = adapter("  max_token_lifetime_seconds: 60\n");
        String old = token();
        // An event made 50 s ago: its watermark expires 10 s from now (margin for a loaded machine).
        long t = System.currentTimeMillis() / 1000;
        assertThat(post(a, event("user.signed_out", t - 50, 1)).statusCode()).isEqualTo(200);
        String older = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("iat", t - 51, "jti", "x")), t);
        assertThat(withToken(a, older)).isEqualTo(401);
        Thread.sleep(Math.max(0, (t + 11) * 1000 - System.currentTimeMillis()));
        assertThat(withToken(a, older)).as("the watermark expired").isEqualTo(200);
        assertThat(withToken(a, old)).isEqualTo(200);
        assertThat(post(a, event("user.signed_out", t - 61, 2)).statusCode()).as("stale: accepted, changes nothing").isEqualTo(200);
        assertThat(withToken(a, older)).isEqualTo(200);
    }

    @Test
    void unsignedWronglySignedOversizedAndMalformedAreRefusedAndChangeNothing() throws Exception {
        AdapterProcess a = adapter("");
        String old = token();
        awaitNextSecond();
        byte[] body = event("user.signed_out");
        assertThat(post(a, body, null, "application/json").statusCode()).isEqualTo(401);
        assertThat(post(a, body, sign("another-projects-secret-0123456789", body), "application/json").statusCode()).isEqualTo(401);
        byte[] changed = body.clone();
        changed[changed.length - 3] ^= 1;
        assertThat(post(a, changed, sign(SECRET, body), "application/json").statusCode()).isEqualTo(401);
        assertThat(post(a, body, sign(SECRET, body), "text/plain").statusCode()).isEqualTo(415);
        byte[] big = new byte[64 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThat(post(a, big, sign(SECRET, big), "application/json").statusCode()).isEqualTo(413);
        byte[] notJson = "{\"type\":".getBytes(StandardCharsets.UTF_8);
        assertThat(post(a, notJson).statusCode()).isEqualTo(400);
        byte[] noUser = "{\"id\":\"e\",\"seq\":1,\"type\":\"user.signed_out\",\"payload\":{},\"context\":{\"timestamp\":1}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(post(a, noUser).statusCode()).isEqualTo(400);
        byte[] unknown = "{\"id\":\"e\",\"seq\":1,\"type\":\"user.created\",\"payload\":{},\"context\":{}}".getBytes(StandardCharsets.UTF_8);
        assertThat(post(a, unknown).statusCode()).as("a type that changes no token: 2xx, not retried").isEqualTo(200);
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.webhookPort() + "/authgear/webhook"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(withToken(a, old)).as("nothing changed").isEqualTo(200);
        Map<String, Double> m = PrometheusScrape.scrape(a.adminPort());
        assertThat(m.get("authgate_revocation_watermarks")).isEqualTo(0.0);
        assertThat(m.get("authgate_webhook_events_total{outcome=\"bad_signature\"}")).isEqualTo(2.0);
        assertThat(m.get("authgate_webhook_events_total{outcome=\"unsigned\"}")).isEqualTo(1.0);
        assertThat(m.get("authgate_webhook_events_total{outcome=\"too_large\"}")).isEqualTo(1.0);
        assertThat(m.get("authgate_webhook_events_total{outcome=\"malformed\"}")).isEqualTo(2.0);
        assertThat(m.get("authgate_webhook_events_total{outcome=\"ignored\"}")).isEqualTo(1.0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!a.log().contains("webhook events are applied again") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(a.log()).contains("authgate: Authgear's webhook events are refused: the signature does not match revocation.webhook_secret")
                .contains("authgate: Authgear's webhook events are applied again after 2 refused")
                .doesNotContain(SECRET);
    }

    private static String raw(String headers, String body) {
        return "POST /authgear/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Connection: close\r\n\r\n" + body;
    }

    @Test
    void hostileRequestsOnTheWebhookPortChangeNothing() throws Exception {
        AdapterProcess a = adapter("");
        String old = token();
        awaitNextSecond();
        byte[] body = event("user.signed_out");
        String text = new String(body, StandardCharsets.UTF_8);
        String json = "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n";
        String good = "x-authgear-body-signature: " + sign(SECRET, body) + "\r\n";
        assertThat(RawHttp.exchange(a.webhookPort(), raw(json + good + "x-authgear-body-signature: 00\r\n", text)).status())
                .as("two signatures: neither is trusted").isEqualTo(401);
        assertThat(RawHttp.exchange(a.webhookPort(), raw(json + "X-Authgear-Body-Signature: " + sign(SECRET, body).substring(1) + "\r\n", text))
                .status()).as("63 hex digits").isEqualTo(401);
        String chunk = "a".repeat(8192);
        StringBuilder chunked = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            chunked.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        assertThat(RawHttp.exchange(a.webhookPort(), raw("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n" + good,
                chunked.toString())).status()).as("72 KiB chunked: over the cap").isEqualTo(413);
        assertThat(RawHttp.exchange(a.webhookPort(), raw(json.replace("application/json", "application/json-patch+json") + good, text))
                .status()).isEqualTo(415);
        assertThat(RawHttp.exchange(a.webhookPort(), raw(json + good, text).replace("/authgear/webhook", "/authgear/webhook/../x")).status())
                .isEqualTo(404);
        assertThat(withToken(a, old)).as("nothing changed").isEqualTo(200);
        assertThat(RawHttp.exchange(a.webhookPort(), raw(json.replace("application/json", "Application/JSON; charset=utf-8") + good, text))
                .status()).as("the real event, with a media type parameter").isEqualTo(200);
        assertThat(withToken(a, old)).isEqualTo(401);
    }

    @Test
    void aCookieSessionOfTheUserIsRefusedOnceDisabled() throws Exception {
        AdapterProcess a = adapter("");
        String cookie = "app_session=" + ResolverStandIn.SEEDED_APP_SESSION;
        assertThat(decide(a, "Cookie", cookie)).isEqualTo(200);
        assertThat(post(a, event("user.disabled")).statusCode()).isEqualTo(200);
        assertThat(decide(a, "Cookie", cookie)).isEqualTo(401);
    }

    @Test
    void theWebhookListenerNeedsTheSecret() throws Exception {
        AdapterProcess.Result r = AdapterProcess.run(List.of("check", writeConfig("authgear_endpoint: " + issuer.issuer()
                + "\nwebhook_listen: 127.0.0.1:0\n")), java.time.Duration.ofSeconds(30));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output()).contains("revocation.webhook_secret");
    }

    private static String writeConfig(String yaml) throws IOException {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("authgate-webhook", ".yaml");
        java.nio.file.Files.writeString(f, yaml);
        f.toFile().deleteOnExit();
        return f.toString();
    }
}
