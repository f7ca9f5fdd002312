package io.authgate.core.resolve;

import io.authgate.core.Gate;

import io.authgate.core.Denials;
import io.authgate.core.GatewayRequest;
import io.authgate.core.Decision;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.authgate.core.Authgate;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.headers.Header;
import io.authgate.core.headers.IdentityHeaderNames;
import io.authgate.core.jwks.HttpJwksFetcher;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.MutableClock;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TestKeys;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resolver against the test issuer over real HTTP, with a hand-moved clock: what happens when the
 * keys cannot be had, when they go stale, when they rotate, and how discovery is used.
 */
class ResolverKeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private static final String ROTATED_KID = "9a8b7c6d-0000-4000-8000-000000000003";

    private final TestIssuer issuer = TestIssuer.start();
    private final MutableClock clock = MutableClock.now();
    private final Authgate authgate = new Authgate(clock, AuthgateEvents.NONE, config -> new HttpJwksFetcher(
            CLIENT, config.issuer(), config.jwksUri(), config.discoveryUri(), config.jwks().fetchTimeout()));

    @AfterEach
    void stop() {
        issuer.close();
    }

    private Gate resolver(String extra) {
        return authgate.gateFor(config(issuer.issuer(), extra));
    }

    private static AuthgateConfig config(String endpoint, String extra) {
        return ConfigParser.parseJson("{\"authgear_endpoint\":\"" + endpoint + "\"" + extra + "}");
    }

    /** A valid token, unlike any other (so it is never a cache hit), issued at the clock's now. */
    private String freshToken() {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString())),
                clock.epochSeconds());
    }

    private static Decision bearer(Gate resolver, String token) {
        return resolver.resolve(GatewayRequest.of("Bearer " + token, null));
    }

    private static void assertValidSession(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Allow.class);
        assertThat(((Decision.Allow) decision).headers().get(IdentityHeaderNames.USER_ID)).isEqualTo(AuthgearClaims.USER_ID);
        assertThat(((Decision.Allow) decision).headers().get(IdentityHeaderNames.SESSION_VALID)).isEqualTo("true");
    }

    /** A token signed by a key the issuer does not publish yet, under that key's own kid. */
    private String tokenSignedBy(RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(new JOSEObjectType("at+jwt")).build(),
                JWTClaimsSet.parse(AuthgearClaims.user(issuer.issuer(), clock.epochSeconds())));
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void jwksDownBeforeFirstUseIsKeysUnavailable() {
        issuer.failWith(500);

        Decision decision = bearer(resolver(""), freshToken());

        assertThat(decision).isSameAs(Denials.KEYS_UNAVAILABLE);
    }

    @Test
    void keysUnavailableIsA503WithAJsonBodyAndRetryAfter() throws Exception {
        Decision.Deny deny = Denials.KEYS_UNAVAILABLE;

        assertThat(deny.status()).isEqualTo(503);
        assertThat(deny.headers()).containsExactly(new Header("content-type", "application/json"), new Header("retry-after", "1"));
        JsonNode body = JSON.readTree(deny.body());
        assertThat(body.get("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(body.get("error_description").asText()).isNotBlank();
    }

    @Test
    void theKeysUnavailableAnswerCarriesNothingOfTheToken() {
        issuer.failWith(500);
        String token = freshToken();

        Decision.Deny deny = (Decision.Deny) bearer(resolver(""), token);

        String[] parts = token.split("\\.");
        assertThat(deny.body()).doesNotContain(parts[0]).doesNotContain(parts[1]).doesNotContain(parts[2]);
        assertThat(deny.headers()).allSatisfy(h -> assertThat(h.value()).doesNotContain(parts[2]));
    }

    @Test
    void jwksDownBeforeFirstUseAnswersWithinTheWaitTimeout() {
        issuer.delay(Duration.ofSeconds(3));
        long start = System.nanoTime();

        Decision decision = bearer(resolver(",\"jwks\":{\"wait_timeout_ms\":300}"), freshToken());

        assertThat(decision).isSameAs(Denials.KEYS_UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2000));
    }

    @Test
    void aRequestWithoutATokenIsNoSessionWhileKeysAreUnavailable() {
        issuer.failWith(500);

        Decision decision = resolver("").resolve(GatewayRequest.of(null, "app_session=opaque"));
        assertThat(decision).isInstanceOf(Decision.Allow.class);
        Decision.Allow noSession = (Decision.Allow) decision;
        assertThat(noSession.headers().isEmpty()).isTrue();
        // Authgear's "no session", reusable only as long as the remote cache keeps it (5 s negative TTL).
        assertThat(noSession.reusableUntilMillis()).isBetween(System.currentTimeMillis(), System.currentTimeMillis() + 5_000);
        assertThat(issuer.resolver().calls()).as("cookies go to Authgear's resolver, which is up").isEqualTo(1);
        assertThat(issuer.discoveryFetches()).isZero();
    }

    @Test
    void aTokenThatFailsTheRulesIsNoSessionWhileKeysAreUnavailable() {
        issuer.failWith(500);
        String expired = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("exp", "now-1")), clock.epochSeconds());

        assertThat(bearer(resolver(""), expired)).isSameAs(Decision.Allow.NO_SESSION);
    }

    @Test
    void cachedKeysKeepResolvingAfterTheEndpointGoesDownWithinStaleIfError() {
        Gate resolver = resolver("");
        assertValidSession(bearer(resolver, freshToken()));
        issuer.failWith(500);

        clock.advance(Duration.ofMinutes(5)); // past the default 5-minute TTL
        assertValidSession(bearer(resolver, freshToken()));
        clock.advance(Duration.ofMinutes(59));
        assertValidSession(bearer(resolver, freshToken()));
    }

    @Test
    void cachedKeysStopResolvingBeyondStaleIfError() {
        Gate resolver = resolver("");
        assertValidSession(bearer(resolver, freshToken()));
        issuer.failWith(500);

        clock.advance(Duration.ofMinutes(5).plus(Duration.ofHours(1)));

        assertThat(bearer(resolver, freshToken())).isSameAs(Denials.KEYS_UNAVAILABLE);
    }

    /**
     * (Issue 10, item 6) A JWKS endpoint that accepts connections and never answers: once the cached
     * keys are past their lifetime, every refresh hangs until {@code fetch_timeout_ms}, then backs off,
     * then hangs again. New tokens whose kid the cached keys hold must never wait for those refreshes
     * (before, one in six waited the whole {@code wait_timeout_ms}). Real time: a 1 s key lifetime, 6 s
     * of requests, two hanging fetches and their back-offs.
     */
    @Test
    void aHangingJwksEndpointNeverDelaysATokenTheCachedKeysCanVerify() throws Exception {
        Authgate realTime = new Authgate(java.time.Clock.systemUTC(), AuthgateEvents.NONE, config -> new HttpJwksFetcher(
                CLIENT, config.issuer(), config.jwksUri(), config.discoveryUri(), config.jwks().fetchTimeout()));
        Gate resolver = realTime.gateFor(config(issuer.issuer(), ",\"jwks_uri\":\"" + issuer.jwksUri() + "\","
                + "\"jwks\":{\"ttl_seconds\":1,\"min_ttl_seconds\":1,\"fetch_timeout_ms\":2000,\"wait_timeout_ms\":1000}"));
        TokenMinter minter = new TokenMinter(issuer.issuer());
        assertValidSession(bearer(resolver, minter.mint(TokenRecipe.withClaims(Map.of("jti", "first")), nowSeconds())));
        issuer.delay(Duration.ofSeconds(60)); // accepts the connection, answers nothing within any timeout
        Thread.sleep(1_200); // past the keys' 1 s lifetime

        long worstMillis = 0;
        int requests = 0;
        long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (System.nanoTime() < end) {
            String token = minter.mint(TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString())), nowSeconds());
            long started = System.nanoTime();
            Decision decision = bearer(resolver, token);
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertValidSession(decision);
            worstMillis = Math.max(worstMillis, millis);
            requests++;
            Thread.sleep(20);
        }

        assertThat(requests).isGreaterThan(50);
        // A cold verification takes well under 10 ms. Before the fix a request waited the whole
        // wait_timeout_ms (1 s); 600 ms tells the two apart with room for a GC pause or a descheduled
        // thread on a loaded 2-core machine (250 ms failed once under a full parallel test run).
        assertThat(worstMillis).as("slowest of %d new tokens while the JWKS hangs", requests).isLessThan(600);
        assertThat(issuer.jwksFetches()).as("refreshes kept being tried in the background").isGreaterThanOrEqualTo(2);
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void theEndpointRecoveringEndsTheOutage() {
        Gate resolver = resolver("");
        issuer.failWith(500);
        assertThat(bearer(resolver, freshToken())).isSameAs(Denials.KEYS_UNAVAILABLE);

        issuer.failWith(0);
        clock.advance(Duration.ofSeconds(1));

        assertValidSession(bearer(resolver, freshToken()));
    }

    @Test
    void aNewlyPublishedKeyIsUsedAfterOneRefetch() throws Exception {
        Gate resolver = resolver("");
        assertValidSession(bearer(resolver, freshToken()));
        assertThat(issuer.jwksFetches()).isEqualTo(1);

        RSAKey rotated = TestKeys.rsa(ROTATED_KID);
        issuer.publish(rotated, TestKeys.rsa(TestIssuer.CURRENT_KID));

        assertValidSession(bearer(resolver, tokenSignedBy(rotated)));
        assertThat(issuer.jwksFetches()).isEqualTo(2);
        assertValidSession(bearer(resolver, tokenSignedBy(rotated)));
        assertThat(issuer.jwksFetches()).isEqualTo(2);
    }

    @Test
    void aTokenForAKeyNotYetPublishedIsNoSession() throws Exception {
        Gate resolver = resolver("");
        assertValidSession(bearer(resolver, freshToken()));

        assertThat(bearer(resolver, tokenSignedBy(TestKeys.rsa(ROTATED_KID)))).isSameAs(Decision.Allow.NO_SESSION);
        assertThat(issuer.jwksFetches()).isEqualTo(2);
    }

    @Test
    void theJwksUriIsDiscoveredOnceAndReused() {
        Gate resolver = resolver("");
        assertValidSession(bearer(resolver, freshToken()));
        clock.advance(Duration.ofMinutes(5));
        assertValidSession(bearer(resolver, freshToken())); // served by the expired keys; refreshed in the background
        assertThat(authgate.preloadKeys(config(issuer.issuer(), ""))).as("the background refresh landed").isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertValidSession(bearer(resolver, freshToken()));
        assertThat(authgate.preloadKeys(config(issuer.issuer(), ""))).isTrue();

        assertThat(issuer.jwksFetches()).isEqualTo(3);
        assertThat(issuer.discoveryFetches()).isEqualTo(1);
    }

    @Test
    void aConfiguredJwksUriIsUsedWithoutDiscovery() {
        Gate resolver = resolver(",\"jwks_uri\":\"" + issuer.jwksUri() + "\"");

        assertValidSession(bearer(resolver, freshToken()));

        assertThat(issuer.discoveryFetches()).isZero();
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void aDiscoveryDocumentNamingAnotherIssuerLeavesNoKeys() {
        // The same server configured as localhost: its document says 127.0.0.1, so it is not this issuer's.
        String asLocalhost = issuer.issuer().replace("127.0.0.1", "localhost");
        Gate resolver = authgate.gateFor(config(asLocalhost, ""));
        String token = new TokenMinter(asLocalhost).mint(TokenRecipe.VALID, clock.epochSeconds());

        assertThat(bearer(resolver, token)).isSameAs(Denials.KEYS_UNAVAILABLE);
        assertThat(issuer.discoveryFetches()).isEqualTo(1);
        assertThat(issuer.jwksFetches()).isZero();
    }
}
