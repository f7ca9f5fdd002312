package io.authgate.core;

import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.jwks.HttpJwksFetcher;
import io.authgate.testkit.MutableClock;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TestKeys;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The process-wide runtime: which configurations share keys and cache, and how the two are wired. */
class AuthgateTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final TestIssuer issuer = TestIssuer.start();
    private final MutableClock clock = MutableClock.now();
    private final Authgate authgate = new Authgate(clock, AuthgateEvents.NONE, config -> new HttpJwksFetcher(
            CLIENT, config.issuer(), config.jwksUri(), config.discoveryUri(), config.jwks().fetchTimeout()));

    @AfterEach
    void stop() {
        issuer.close();
    }

    private AuthgateConfig config(String extra) {
        return ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\"" + extra + "}");
    }

    private String token(TokenRecipe recipe) {
        return new TokenMinter(issuer.issuer()).mint(recipe, clock.epochSeconds());
    }

    private String freshToken() {
        return token(TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString())));
    }

    private static boolean validSession(Decision decision) {
        return decision instanceof Decision.Allow allow && "true".equals(allow.headers().get("x-authgear-session-valid"));
    }

    private static Decision bearer(Gate resolver, String token) {
        return resolver.resolve(GatewayRequest.of("Bearer " + token, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {",\"audience\":\"https://api.example.com\"", ",\"clock_skew_seconds\":30",
            ",\"algorithms\":[\"RS256\",\"ES256\"]", ",\"cookie_prefix\":\"my_\"", ",\"mode\":\"resolve\""})
    void configurationsThatDifferOnlyInPerRouteRulesShareOneIssuer(String extra) {
        assertThat(authgate.issuer(config(extra))).isSameAs(authgate.issuer(config("")));
    }

    @ParameterizedTest
    @ValueSource(strings = {",\"jwks\":{\"ttl_seconds\":60}", ",\"token_cache_max_entries\":10",
            ",\"jwks_uri\":\"http://127.0.0.1:1/oauth2/jwks\""})
    void configurationsWithOtherKeySettingsGetTheirOwnIssuer(String extra) {
        assertThat(authgate.issuer(config(extra))).isNotSameAs(authgate.issuer(config("")));
    }

    @Test
    void anotherEndpointIsAnotherIssuer() {
        AuthgateConfig other = ConfigParser.parseJson("{\"authgear_endpoint\":\"https://other.example.com\"}");
        assertThat(authgate.issuer(other)).isNotSameAs(authgate.issuer(config("")));
    }

    @Test
    void routesOfOneProjectFetchTheJwksOnce() {
        Gate a = authgate.gateFor(config(""));
        Gate b = authgate.gateFor(config(",\"audience\":[\"" + issuer.issuer() + "\",\"https://api.example.com\"]"));

        assertThat(validSession(bearer(a, freshToken()))).isTrue();
        assertThat(validSession(bearer(b, freshToken()))).isTrue();

        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void aResolverKeepsItsConfiguration() {
        AuthgateConfig config = config(",\"cookie_prefix\":\"my_\"");
        assertThat(authgate.gateFor(config).config()).isSameAs(config);
    }

    @Test
    void theClockIsTheOneGiven() {
        assertThat(authgate.clock()).isSameAs(clock);
    }

    @Test
    void aKeyRemovedFromTheJwksStopsVerifyingItsCachedTokens() {
        Gate resolver = authgate.gateFor(config(""));
        Authgate.Issuer shared = authgate.issuer(config(""));
        String signedByPrevious = token(TokenRecipe.VALID.signedBy("previous"));
        assertThat(validSession(bearer(resolver, signedByPrevious))).isTrue();
        assertThat(shared.tokens().size()).isEqualTo(1);

        issuer.publish(TestKeys.rsa(TestIssuer.CURRENT_KID));
        clock.advance(Duration.ofMinutes(5)); // the JWKS expires; the next cache miss refetches it
        // ...in the background: the expired keys still hold the current kid, so this token is not held up.
        assertThat(validSession(bearer(resolver, freshToken()))).isTrue();

        // Once the refresh lands (preload waits for the one running), the removed key's tokens stop verifying.
        assertThat(shared.keys().preload()).isTrue();
        assertThat(issuer.jwksFetches()).isEqualTo(2);
        assertThat(bearer(resolver, signedByPrevious)).isSameAs(Decision.Allow.NO_SESSION);
    }

    @Test
    void aRefreshThatKeepsEveryKeyKeepsCachedTokens() {
        Gate resolver = authgate.gateFor(config(""));
        Authgate.Issuer shared = authgate.issuer(config(""));
        String signedByPrevious = token(TokenRecipe.VALID.signedBy("previous"));
        bearer(resolver, signedByPrevious);

        clock.advance(Duration.ofMinutes(5));
        bearer(resolver, freshToken());
        assertThat(shared.keys().preload()).as("the background refresh landed").isTrue();

        assertThat(issuer.jwksFetches()).isEqualTo(2);
        assertThat(shared.tokens().size()).isEqualTo(2);
        assertThat(validSession(bearer(resolver, signedByPrevious))).isTrue();
    }

    @Test
    void createBuildsAWorkingRuntimeOnTheSystemClock() {
        Authgate production = Authgate.create(AuthgateEvents.NONE);
        Gate resolver = production.gateFor(config(""));
        String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);

        assertThat(validSession(bearer(resolver, token))).isTrue();
        assertThat(production.issuer(config("")).keys().hasKeys()).isTrue();
    }

    @Test
    void retainOnlyKeepsTheKeysAndCachesOfTheConfigurationsInUseAndForgetsTheRest() {
        AuthgateConfig kept = config("");
        AuthgateConfig dropped = config(",\"token_cache_max_bytes\":1048576");
        AuthgateConfig withResolver = config(",\"resolver\":{\"timeout_ms\":900}");
        Authgate.Issuer keptIssuer = authgate.issuer(kept);
        Authgate.Issuer droppedIssuer = authgate.issuer(dropped);
        var remote = authgate.remoteSessions(withResolver).orElseThrow();

        authgate.retainOnly(java.util.List.of(kept));

        assertThat(authgate.issuer(kept)).as("kept: the same keys and token cache").isSameAs(keptIssuer);
        assertThat(authgate.issuer(dropped)).as("forgotten: made anew when next asked for").isNotSameAs(droppedIssuer);
        assertThat(authgate.remoteSessions(withResolver).orElseThrow()).as("no configuration in use has these resolver settings").isNotSameAs(remote);

        var remoteNow = authgate.remoteSessions(withResolver).orElseThrow();
        authgate.retainOnly(java.util.List.of(withResolver));
        assertThat(authgate.remoteSessions(withResolver).orElseThrow()).isSameAs(remoteNow);
        assertThat(authgate.issuer(withResolver)).as("same issuer and key settings as kept").isSameAs(keptIssuer);
    }

    /**
     * Key settings no configuration in use has any more are forgotten too: each distinct {@code jwks}
     * setting a reload (or an APISIX route value) ever named kept its key set for good.
     */
    @Test
    void retainOnlyForgetsTheKeySourcesNoLongerInUse() {
        AuthgateConfig kept = config("");
        AuthgateConfig dropped = config(",\"jwks\":{\"ttl_seconds\":601}");
        Authgate.Issuer droppedIssuer = authgate.issuer(dropped);

        authgate.retainOnly(java.util.List.of(kept));

        assertThat(authgate.issuer(dropped).keys()).as("a key set of its own, made anew").isNotSameAs(droppedIssuer.keys());
    }

    @Test
    void readyAnswersOnlyForTheConfigurationsRetained() {
        AuthgateConfig serving = config("");
        AuthgateConfig unreachable = ConfigParser.parseJson("{\"authgear_endpoint\":\"http://127.0.0.1:1\"}");
        authgate.prepare(serving);
        authgate.prepare(unreachable);
        assertThat(authgate.preloadKeys(serving)).isTrue();
        assertThat(authgate.ready()).as("the unreachable issuer has no keys").isFalse();

        authgate.retainOnly(java.util.List.of(serving));

        assertThat(authgate.ready()).as("only what is in use counts").isTrue();
    }

    @Test
    void aTokensSessionTellsTheFrontItsExpiryAndNoSessionTellsNone() {
        Gate gate = authgate.prepare(config(""));
        long now = clock.epochSeconds();
        String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("exp", "now+600")), now);

        Decision cold = bearer(gate, token);
        Decision cached = bearer(gate, token);

        assertThat(((Decision.Allow) cold).reusableUntilMillis()).isEqualTo((now + 600) * 1000);
        assertThat(((Decision.Allow) cached).reusableUntilMillis()).isEqualTo((now + 600) * 1000);
        assertThat(((Decision.Allow) gate.resolve(GatewayRequest.of(null, null))).reusableUntilMillis()).isEqualTo(Decision.Allow.UNBOUNDED);
    }
}
