package io.authgate.core;

import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.config.WebhookSecret;
import io.authgate.core.jwks.HttpJwksFetcher;
import io.authgate.core.revocation.WebhookSignature;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.RedisServer;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code revocation.redis} wired by the runtime: two runtimes (two nodes) against one real
 * redis-server, real RSA tokens against the issuer's JWKS over HTTP. The node that receives the
 * webhook publishes it; the other, which only prepared a configuration naming the stream, applies it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisWiringTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String SECRET = "test-webhook-secret-0123456789ab";
    private static final String USER = AuthgearClaims.USER_ID;

    private final TestIssuer issuer = TestIssuer.start();
    private final RedisServer redis = RedisServer.start();
    private final List<Authgate> nodes = new ArrayList<>();
    private final WebhookSignature signer = new WebhookSignature(WebhookSecret.of(SECRET, "k"));

    @AfterEach
    void stop() {
        nodes.forEach(Authgate::close);
        redis.close();
        issuer.close();
    }

    private Authgate node() {
        Authgate a = new Authgate(Clock.systemUTC(), AuthgateEvents.NONE, config -> new HttpJwksFetcher(
                CLIENT, config.issuer(), config.jwksUri(), config.discoveryUri(), config.jwks().fetchTimeout()));
        nodes.add(a);
        return a;
    }

    private AuthgateConfig config(String endpoint, String redisMembers) {
        return ConfigParser.parseJson("{\"authgear_endpoint\":\"" + endpoint + "\",\"mode\":\"enforce\",\"resolver\":false,"
                + "\"revocation\":{\"webhook_secret\":\"" + SECRET + "\",\"max_token_lifetime_seconds\":600,"
                + "\"redis\":{\"uri\":\"" + redis.uri() + "\",\"read_block_ms\":200,\"connect_timeout_ms\":500,"
                + "\"command_timeout_ms\":1000,\"reconnect_max_ms\":500" + redisMembers + "}}}");
    }

    private AuthgateConfig config() {
        return config(issuer.issuer(), "");
    }

    private byte[] signOut(long timestamp) {
        return ("{\"id\":\"" + UUID.randomUUID() + "\",\"seq\":1,\"type\":\"user.signed_out\",\"payload\":{\"user\":{\"id\":\"" + USER
                + "\"}},\"context\":{\"timestamp\":" + timestamp + "}}").getBytes(StandardCharsets.UTF_8);
    }

    private static boolean allowed(Gate gate, String token) {
        return gate.resolve(GatewayRequest.of("Bearer " + token, null)) instanceof Decision.Allow;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void anEventReceivedByOneNodeIsAppliedByAnotherThatOnlyPreparedTheConfiguration() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String old = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("iat", now - 10, "jti", "old")), now);
        Authgate receiving = node();
        Authgate reading = node();
        Gate here = receiving.prepare(config());
        Gate there = reading.prepare(config());
        assertThat(allowed(here, old)).isTrue();
        assertThat(allowed(there, old)).isTrue();

        byte[] body = signOut(now);
        WebhookAnswer answer = receiving.webhookReceiver(config()).receive(body, Optional.of(signer.sign(body))).get(10, TimeUnit.SECONDS);
        assertThat(answer).isEqualTo(WebhookAnswer.ACCEPTED);
        assertThat(allowed(here, old)).as("the receiving node applied it before answering").isFalse();
        await("the other node refuses the old token", () -> !allowed(there, old));
        assertThat(redis.cli("XLEN", "authgate:revocations").trim()).isEqualTo("1");
        assertThat(receiving.revocationFeedUp()).isTrue();
        assertThat(reading.revocationFeedUp()).isTrue();
    }

    @Test
    void aNodeStartedAfterTheEventCatchesUpFromTheStream() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String old = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("iat", now - 10, "jti", "old")), now);
        byte[] body = signOut(now);
        assertThat(node().webhookReceiver(config()).receive(body, Optional.of(signer.sign(body))).get(10, TimeUnit.SECONDS))
                .isEqualTo(WebhookAnswer.ACCEPTED);
        Gate late = node().prepare(config());
        await("the late node read the window", () -> !allowed(late, old));
    }

    @Test
    void redisDownIsTheFeedDownAndTheReceiverAnswers503() throws Exception {
        Authgate a = node();
        a.prepare(config());
        await("up", a::revocationFeedUp);
        redis.kill();
        await("down", () -> !a.revocationFeedUp());
        byte[] body = signOut(System.currentTimeMillis() / 1000);
        assertThat(a.webhookReceiver(config()).receive(body, Optional.of(signer.sign(body))).get(20, TimeUnit.SECONDS))
                .isEqualTo(WebhookAnswer.UNAVAILABLE);
        redis.restart();
        // Authgear delivers the event again; the gauge counts the last append, so it is up once that one lands.
        WebhookReceiver receiver = a.webhookReceiver(config());
        await("the retry accepted", () -> receiver.receive(body, Optional.of(signer.sign(body))).join() == WebhookAnswer.ACCEPTED);
        await("up again", a::revocationFeedUp);
        assertThat(redis.cli("XLEN", "authgate:revocations").trim()).isEqualTo("1");
    }

    @Test
    void withoutRedisTheFeedIsEmbeddedAndAlwaysUp() {
        Authgate a = node();
        AuthgateConfig embedded = ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"revocation\":{\"webhook_secret\":\""
                + SECRET + "\"}}");
        a.prepare(embedded);
        assertThat(a.revocationFeedUp()).isTrue();
        assertThat(redis.cli("EXISTS", "authgate:revocations").trim()).isEqualTo("0");
    }

    @Test
    void oneProjectFollowsOneStreamAndTwoProjectsNeverShareOne() {
        Authgate a = node();
        a.prepare(config());
        assertThatThrownBy(() -> a.prepare(config(issuer.issuer(), ",\"stream\":\"other\""))).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.key()).isEqualTo("revocation.redis"));
        // A route of the project that does not repeat the section says nothing about the feed.
        a.prepare(ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\"}"));
        // Stream entries are the bodies Authgear signed, which do not name the project.
        assertThatThrownBy(() -> a.prepare(config("https://another.example.com", ""))).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.key()).isEqualTo("revocation.redis.stream"));
        a.prepare(config("https://another.example.com", ",\"stream\":\"another\""));
    }
}
