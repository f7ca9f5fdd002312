package io.authgate.core.resolve;

import io.authgate.core.Authgate;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.Decision;
import io.authgate.core.Gate;
import io.authgate.core.GatewayRequest;
import io.authgate.core.RejectionRecorder;
import io.authgate.core.TokenRejection;
import io.authgate.core.WebhookAnswer;
import io.authgate.core.WebhookReceiver;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.headers.IdentityHeaderNames;
import io.authgate.core.jwks.HttpJwksFetcher;
import io.authgate.core.revocation.WebhookSignature;
import io.authgate.core.config.WebhookSecret;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.AuthgearWebhooks;
import io.authgate.testkit.MutableClock;
import io.authgate.testkit.ResolverStandIn;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Authgear's signed events, received and applied, against real tokens verified with a real JWKS over
 * HTTP and the resolver stand-in: the check runs after verification, on the cached path too, on every
 * JWT route, and cached answers of Authgear's resolver for that user are dropped or refused.
 */
class RevocationTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String SECRET = "test-webhook-secret-0123456789ab";
    private static final String USER = AuthgearClaims.USER_ID;
    private static final String COOKIE = "app_session=" + ResolverStandIn.SEEDED_APP_SESSION;

    private final TestIssuer issuer = TestIssuer.start();
    private final MutableClock clock = MutableClock.now();
    private final Authgate authgate = new Authgate(clock, AuthgateEvents.NONE, config -> new HttpJwksFetcher(
            CLIENT, config.issuer(), config.jwksUri(), config.discoveryUri(), config.jwks().fetchTimeout()));
    private final WebhookSignature signer = new WebhookSignature(WebhookSecret.of(SECRET, "k"));
    private long seq;

    @BeforeEach
    void sameClock() {
        issuer.resolver().clock(clock);
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    private AuthgateConfig config(String extra) {
        return ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"revocation\":{\"webhook_secret\":\""
                + SECRET + "\",\"max_token_lifetime_seconds\":600}" + extra + "}");
    }

    private String token() {
        return "Bearer " + new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString())),
                clock.epochSeconds());
    }

    private byte[] event(String type, String user) {
        return AuthgearWebhooks.event(type, user, clock.epochSeconds(), ++seq);
    }

    private WebhookAnswer send(AuthgateConfig config, byte[] body) {
        return authgate.webhookReceiver(config).receive(body, Optional.of(signer.sign(body))).join();
    }

    private static boolean allowedAs(Decision d, String user) {
        return d instanceof Decision.Allow a && user.equals(a.headers().get(IdentityHeaderNames.USER_ID));
    }

    @Test
    void aSignOutRefusesTheCachedTokenAndAcceptsOneIssuedAfter() {
        AuthgateConfig config = config(",\"mode\":\"enforce\",\"resolver\":false");
        Gate gate = authgate.gateFor(config);
        String old = token();
        assertThat(allowedAs(gate.resolve(GatewayRequest.of(old, null)), USER)).isTrue();
        assertThat(allowedAs(gate.resolve(GatewayRequest.of(old, null)), USER)).as("cached now").isTrue();

        clock.advance(Duration.ofSeconds(5));
        assertThat(send(config, event("user.signed_out", USER))).isEqualTo(WebhookAnswer.ACCEPTED);

        RejectionRecorder trace = new RejectionRecorder();
        Decision refused = gate.resolve(GatewayRequest.of(old, null).traced(trace));
        assertThat(refused).isInstanceOfSatisfying(Decision.Deny.class, d -> {
            assertThat(d.status()).isEqualTo(401);
            assertThat(d.headers().toString()).contains("invalid_token");
        });
        assertThat(trace.rejection()).contains(TokenRejection.REVOKED);
        assertThat(allowedAs(gate.resolve(GatewayRequest.of(token(), null)), USER)).as("iat = the sign-out's second").isTrue();
    }

    @Test
    void aWatermarkExpiresItsLifetimeAndASecondAfterItsEvent() { // clock_skew_seconds 0 here
        AuthgateConfig config = config(",\"mode\":\"enforce\",\"resolver\":false");
        long t = clock.epochSeconds();
        byte[] body = AuthgearWebhooks.event("user.signed_out", USER, t - 598, 1);
        assertThat(send(config, body)).isEqualTo(WebhookAnswer.ACCEPTED);
        String older = "Bearer " + new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("iat", t - 599, "jti", "x")), t);
        Gate gate = authgate.gateFor(config);
        assertThat(gate.resolve(GatewayRequest.of(older, null))).isInstanceOf(Decision.Deny.class);
        clock.advance(Duration.ofSeconds(2));
        assertThat(gate.resolve(GatewayRequest.of(older, null))).as("at event + 600: the second of margin").isInstanceOf(Decision.Deny.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(allowedAs(gate.resolve(GatewayRequest.of(older, null)), USER)).isTrue();
    }

    @Test
    void aFirstUseAfterTheEventIsRefusedToo() {
        AuthgateConfig config = config(",\"mode\":\"enforce\",\"resolver\":false");
        String old = token();
        clock.advance(Duration.ofSeconds(2));
        send(config, event("user.signed_out", USER));
        assertThat(authgate.gateFor(config).resolve(GatewayRequest.of(old, null))).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void inResolveModeARevokedTokenGivesNoSessionHeaders() {
        AuthgateConfig config = config(",\"resolver\":false");
        Gate gate = authgate.gateFor(config);
        String old = token();
        gate.resolve(GatewayRequest.of(old, null));
        clock.advance(Duration.ofSeconds(1));
        send(config, event("user.session.terminated", USER));
        assertThat(gate.resolve(GatewayRequest.of(old, null))).isEqualTo(Decision.Allow.NO_SESSION);
    }

    @Test
    void aDisabledUserIsRefusedUntilReenabledAndAnotherUserIsNot() {
        AuthgateConfig config = config(",\"mode\":\"enforce\",\"resolver\":false");
        Gate gate = authgate.gateFor(config);
        send(config, event("user.disabled", USER));
        clock.advance(Duration.ofSeconds(3));
        String after = token();
        assertThat(gate.resolve(GatewayRequest.of(after, null))).as("a token minted after the disable").isInstanceOf(Decision.Deny.class);
        String other = "Bearer " + new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("sub", "another-user")),
                clock.epochSeconds());
        assertThat(allowedAs(gate.resolve(GatewayRequest.of(other, null)), "another-user")).isTrue();
        clock.advance(Duration.ofSeconds(1));
        send(config, event("user.reenabled", USER));
        assertThat(allowedAs(gate.resolve(GatewayRequest.of(after, null)), USER)).isTrue();
    }

    @Test
    void aLiveRouteRefusesBeforeAskingAuthgear() {
        AuthgateConfig config = config(",\"mode\":\"enforce\",\"live\":true");
        Gate gate = authgate.gateFor(config);
        String old = token();
        clock.advance(Duration.ofSeconds(1));
        send(config, event("user.signed_out", USER));
        int asked = issuer.resolver().requests().size();
        assertThat(gate.resolve(GatewayRequest.of(old, null))).isInstanceOf(Decision.Deny.class);
        assertThat(issuer.resolver().requests()).hasSize(asked);
    }

    @Test
    void aCachedCookieSessionOfTheUserIsDroppedOnSignOut() {
        AuthgateConfig config = config(",\"mode\":\"enforce\"");
        Gate gate = authgate.gateFor(config);
        assertThat(allowedAs(gate.resolve(GatewayRequest.of(null, COOKIE)), USER)).isTrue();
        int asked = issuer.resolver().requests().size();
        assertThat(allowedAs(gate.resolve(GatewayRequest.of(null, COOKIE)), USER)).isTrue();
        assertThat(issuer.resolver().requests()).as("cached").hasSize(asked);
        send(config, event("user.signed_out", USER));
        gate.resolve(GatewayRequest.of(null, COOKIE));
        assertThat(issuer.resolver().requests()).as("the cached answer was dropped: Authgear is asked again").hasSize(asked + 1);
    }

    @Test
    void aCookieSessionOfADisabledUserIsRefusedEvenWhenAuthgearStillAnswersIt() {
        AuthgateConfig config = config(",\"mode\":\"enforce\"");
        Gate gate = authgate.gateFor(config);
        send(config, event("user.disabled", USER));
        assertThat(gate.resolve(GatewayRequest.of(null, COOKIE))).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void receivingWithTheStateChangeSinkAnswers() {
        List<String> said = new java.util.ArrayList<>();
        Authgate withLog = new Authgate(clock, new io.authgate.core.StateChanges(c -> said.add(c.event())), config -> new HttpJwksFetcher(
                CLIENT, config.issuer(), config.jwksUri(), config.discoveryUri(), config.jwks().fetchTimeout()));
        AuthgateConfig config = config("");
        byte[] body = event("user.signed_out", USER);
        assertThat(withLog.webhookReceiver(config).receive(body, Optional.of("00")).join()).isEqualTo(WebhookAnswer.BAD_SIGNATURE);
        assertThat(withLog.webhookReceiver(config).receive(body, Optional.of(signer.sign(body))).join()).isEqualTo(WebhookAnswer.ACCEPTED);
        assertThat(said).containsExactly("webhook_failing", "webhook_recovered");
    }

    @Test
    void receivingNeedsTheSecret() {
        AuthgateConfig config = ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\"}");
        assertThatThrownBy(() -> authgate.webhookReceiver(config)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.key()).isEqualTo("revocation.webhook_secret"));
    }

    @Test
    void unsignedWronglySignedAndMalformedChangeNothing() {
        AuthgateConfig config = config(",\"mode\":\"enforce\",\"resolver\":false");
        Gate gate = authgate.gateFor(config);
        String old = token();
        clock.advance(Duration.ofSeconds(1));
        WebhookReceiver receiver = authgate.webhookReceiver(config);
        byte[] body = event("user.signed_out", USER);
        assertThat(receiver.receive(body, Optional.empty()).join()).isEqualTo(WebhookAnswer.UNSIGNED);
        assertThat(receiver.receive(body, Optional.of(new WebhookSignature(WebhookSecret.of("another-secret-0123456789abcdef", "k"))
                .sign(body))).join()).isEqualTo(WebhookAnswer.BAD_SIGNATURE);
        byte[] notJson = "{\"type\":".getBytes(StandardCharsets.UTF_8);
        assertThat(receiver.receive(notJson, Optional.of(signer.sign(notJson))).join()).isEqualTo(WebhookAnswer.MALFORMED);
        byte[] big = new byte[64 * 1024 + 1];
        assertThat(receiver.receive(big, Optional.of(signer.sign(big))).join()).isEqualTo(WebhookAnswer.TOO_LARGE);
        assertThat(allowedAs(gate.resolve(GatewayRequest.of(old, null)), USER)).isTrue();
        assertThat(receiver.activeWatermarks()).isZero();
        byte[] other = event("user.created", USER);
        assertThat(receiver.receive(other, Optional.of(signer.sign(other))).join()).isEqualTo(WebhookAnswer.IGNORED);
        assertThat(List.of(WebhookAnswer.ACCEPTED, WebhookAnswer.IGNORED)).allMatch(a -> a.status() == 200);
    }

    // Issue 14 review, finding 2: the first configuration of a project no longer fixes its watermarks' bounds.

    private AuthgateConfig stating(String revocation, String extra) {
        return ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"mode\":\"enforce\",\"resolver\":false,"
                + "\"revocation\":{\"webhook_secret\":\"" + SECRET + "\"" + revocation + "}" + extra + "}");
    }

    private String issuedAt(long iat, long exp) {
        return "Bearer " + new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("iat", iat, "exp", exp,
                "jti", UUID.randomUUID().toString())), clock.epochSeconds());
    }

    @Test
    void aRouteWithoutARevocationSectionDoesNotShortenTheLifetimeAnotherRouteStates() {
        AuthgateConfig plain = ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"mode\":\"enforce\",\"resolver\":false}");
        Gate gate = authgate.gateFor(plain); // the resolver route reaches the core first, with the 3600 s default
        AuthgateConfig hook = stating(",\"max_token_lifetime_seconds\":86400", "");
        long t = clock.epochSeconds();
        String dayToken = issuedAt(t - 7300, t + 70_000);
        assertThat(send(hook, AuthgearWebhooks.event("user.signed_out", USER, t - 7200, ++seq))).isEqualTo(WebhookAnswer.ACCEPTED);
        assertThat(gate.resolve(GatewayRequest.of(dayToken, null))).as("signed out 2 h ago, token lives a day")
                .isInstanceOf(Decision.Deny.class);
    }

    @Test
    void whereTwoRoutesStateLifetimesTheLongerHoldsWhicheverCameFirst() {
        long t = clock.epochSeconds();
        String dayToken = issuedAt(t - 7300, t + 70_000);
        AuthgateConfig shortLived = stating(",\"max_token_lifetime_seconds\":600", "");
        AuthgateConfig longLived = stating(",\"max_token_lifetime_seconds\":86400", "");
        Gate gate = authgate.gateFor(shortLived);
        authgate.gateFor(longLived);
        authgate.gateFor(shortLived); // asking again with the shorter one shrinks nothing
        assertThat(send(shortLived, AuthgearWebhooks.event("user.signed_out", USER, t - 7200, ++seq))).isEqualTo(WebhookAnswer.ACCEPTED);
        assertThat(gate.resolve(GatewayRequest.of(dayToken, null))).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void whereTwoRoutesStateCapsTheLargerHolds() {
        AuthgateConfig one = stating(",\"max_entries\":1", "");
        AuthgateConfig two = stating(",\"max_entries\":2", "");
        assertThat(send(one, event("user.signed_out", "u-1"))).isEqualTo(WebhookAnswer.ACCEPTED);
        authgate.gateFor(two);
        assertThat(send(one, event("user.signed_out", "u-2"))).as("the cap is 2 now").isEqualTo(WebhookAnswer.ACCEPTED);
        assertThat(send(one, event("user.signed_out", "u-3"))).as("and holds at 2").isEqualTo(WebhookAnswer.UNAVAILABLE);
    }

    // Finding 3: a rotated webhook_secret takes effect without a restart.

    @Test
    void aRotatedSecretStopsTheOldOneFromVerifying() {
        String rotated = "rotated-webhook-secret-0123456789";
        WebhookSignature newSigner = new WebhookSignature(WebhookSecret.of(rotated, "k"));
        AuthgateConfig before = config("");
        AuthgateConfig after = ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"revocation\":{\"webhook_secret\":\""
                + rotated + "\",\"max_token_lifetime_seconds\":600}}");
        assertThat(send(before, event("user.signed_out", USER))).isEqualTo(WebhookAnswer.ACCEPTED);
        WebhookReceiver receiver = authgate.webhookReceiver(after);
        byte[] body = event("user.signed_out", USER);
        assertThat(receiver.receive(body, Optional.of(signer.sign(body))).join()).as("signed with the old secret")
                .isEqualTo(WebhookAnswer.BAD_SIGNATURE);
        assertThat(receiver.receive(body, Optional.of(newSigner.sign(body))).join()).isEqualTo(WebhookAnswer.ACCEPTED);
    }

    // Finding 6: a mark outlives every token TimeWindow still accepts (exp + clock_skew_seconds).

    @Test
    void aWatermarkOutlivesTheClockSkewAfterTheLongestLifetime() {
        AuthgateConfig skewed = stating(",\"max_token_lifetime_seconds\":600", ",\"clock_skew_seconds\":300");
        Gate gate = authgate.gateFor(skewed);
        long t = clock.epochSeconds();
        String last = issuedAt(t - 1, t - 1 + 600); // the last token the sign-out refuses, living the longest lifetime
        assertThat(send(skewed, AuthgearWebhooks.event("user.signed_out", USER, t, ++seq))).isEqualTo(WebhookAnswer.ACCEPTED);
        clock.advance(Duration.ofSeconds(600 + 298)); // exp + 299: TimeWindow (now < exp + skew) still accepts it
        assertThat(gate.resolve(GatewayRequest.of(last, null))).isInstanceOf(Decision.Deny.class);
        clock.advance(Duration.ofSeconds(2)); // past exp + skew: refused as expired, the mark may go
        RejectionRecorder trace = new RejectionRecorder();
        assertThat(gate.resolve(GatewayRequest.of(last, null).traced(trace))).isInstanceOf(Decision.Deny.class);
        assertThat(trace.rejection()).isNotEqualTo(Optional.of(TokenRejection.REVOKED));
    }
}
