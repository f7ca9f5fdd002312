package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.config.JwksSettings;
import io.authgate.core.jwks.CachedJwks;
import io.authgate.core.jwks.FetchedKeys;
import io.authgate.core.jwks.JwksFetcher;
import io.authgate.core.jwks.KeyLookup;
import io.authgate.core.jwks.KeySet;
import io.authgate.core.jwks.KeySource;
import io.authgate.testkit.MutableClock;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TestKeys;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The verifier's use of its cache: what is a hit, what never is, and when a hit stops counting. */
class AccessTokenVerifierTest {
    private static final String ISSUER = "https://auth.example.com";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final CountingEvents events = new CountingEvents();
    private final CountingKeys keys = new CountingKeys(keySet(TestIssuer.CURRENT_KID, TestIssuer.PREVIOUS_KID));
    private final VerifiedTokenCache cache = new VerifiedTokenCache(1 << 20, clock);
    private final TokenMinter minter = new TokenMinter(ISSUER);

    private static AuthgateConfig config(String extra) {
        return ConfigParser.parseJson("{\"authgear_endpoint\":\"" + ISSUER + "\"" + extra + "}");
    }

    private AccessTokenVerifier verifier(AuthgateConfig config, KeySource source) {
        return new AccessTokenVerifier(TokenValidators.forConfig(config), source, cache, clock, events);
    }

    private AccessTokenVerifier verifier() {
        return verifier(config(""), keys);
    }

    private String mint(TokenRecipe recipe) {
        return minter.mint(recipe, clock.epochSeconds());
    }

    /** A valid token unlike any other minted in this test. */
    private String freshToken() {
        return mint(TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString())));
    }

    private static KeySet keySet(String... kids) {
        List<JWK> jwks = Arrays.stream(kids).map(kid -> (JWK) TestKeys.rsa(kid).toPublicJWK()).toList();
        try {
            return KeySet.parse(new JWKSet(jwks).toString());
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token with one character of its signature changed (in the middle, so the bytes change). */
    private static String withOneCharacterChanged(String token) {
        int i = token.lastIndexOf('.') + 20;
        char c = token.charAt(i) == 'A' ? 'B' : 'A';
        return token.substring(0, i) + c + token.substring(i + 1);
    }

    static final class CountingKeys implements KeySource {
        final AtomicInteger finds = new AtomicInteger();
        volatile KeySet keys;
        volatile boolean unavailable;

        CountingKeys(KeySet keys) {
            this.keys = keys;
        }

        @Override
        public java.util.concurrent.CompletableFuture<KeyLookup> findAsync(String kid) {
            finds.incrementAndGet();
            if (unavailable) {
                return java.util.concurrent.CompletableFuture.completedFuture(KeyLookup.Miss.UNAVAILABLE);
            }
            KeyLookup key = keys.get(kid);
            return java.util.concurrent.CompletableFuture.completedFuture(key != null ? key : KeyLookup.Miss.UNKNOWN_KID);
        }
    }

    static final class CountingEvents implements AuthgateEvents {
        final AtomicInteger hits = new AtomicInteger();
        final AtomicInteger misses = new AtomicInteger();
        final List<TokenRejection> rejections = new CopyOnWriteArrayList<>();

        @Override
        public void tokenCacheHit() {
            hits.incrementAndGet();
        }

        @Override
        public void tokenCacheMiss() {
            misses.incrementAndGet();
        }

        @Override
        public void tokenRejected(TokenRejection reason) {
            rejections.add(reason);
        }
    }

    @Test
    void theFirstVerificationIsAMissThatConsultsTheKeys() {
        Verification v = verifier().verify(freshToken());

        assertThat(v).isInstanceOf(VerifiedToken.class);
        assertThat(keys.finds).hasValue(1);
        assertThat(events.misses).hasValue(1);
        assertThat(events.hits).hasValue(0);
    }

    @Test
    void theSameTokenAsAnotherStringInstanceIsACacheHitThatSkipsTheKeys() {
        AccessTokenVerifier verifier = verifier();
        String token = freshToken();
        Verification first = verifier.verify(token);

        String sameText = new String(token.toCharArray());
        assertThat(sameText).isNotSameAs(token);
        Verification second = verifier.verify(sameText);

        assertThat(second).as("the cached copy of the same token").isEqualTo(first);
        assertThat(keys.finds).hasValue(1);
        assertThat(events.hits).hasValue(1);
        assertThat(events.misses).hasValue(1);
    }

    @Test
    void aTokenDifferingByOneCharacterNeverHits() {
        AccessTokenVerifier verifier = verifier();
        String token = freshToken();
        verifier.verify(token);

        Verification v = verifier.verify(withOneCharacterChanged(token));

        assertThat(v).isEqualTo(TokenRejection.BAD_SIGNATURE);
        assertThat(keys.finds).hasValue(2);
        assertThat(events.hits).hasValue(0);
    }

    @Test
    void rejectedTokensAreNotCached() {
        AccessTokenVerifier verifier = verifier();
        String forged = mint(TokenRecipe.VALID.signedBy("attacker"));

        assertThat(verifier.verify(forged)).isEqualTo(TokenRejection.BAD_SIGNATURE);
        assertThat(verifier.verify(forged)).isEqualTo(TokenRejection.BAD_SIGNATURE);

        assertThat(keys.finds).hasValue(2);
        assertThat(events.hits).hasValue(0);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aCachedTokenIsStillAcceptedTheSecondBeforeItsExp() {
        AccessTokenVerifier verifier = verifier();
        String token = freshToken();
        verifier.verify(token);

        clock.advance(Duration.ofSeconds(1799));

        assertThat(verifier.verify(token)).isInstanceOf(VerifiedToken.class);
        assertThat(events.hits).hasValue(1);
    }

    @Test
    void aCachedTokenIsRejectedOnceTheClockReachesItsExp() {
        AccessTokenVerifier verifier = verifier();
        String token = freshToken();
        verifier.verify(token);

        clock.advance(Duration.ofSeconds(1800));

        assertThat(verifier.verify(token)).isEqualTo(TokenRejection.EXPIRED);
        assertThat(events.rejections).containsExactly(TokenRejection.EXPIRED);
        assertThat(keys.finds).hasValue(1);
    }

    @Test
    void aCacheHitIsJudgedByTheRulesOfTheVerifierThatHitsIt() {
        String token = freshToken();
        verifier(config(""), keys).verify(token);

        AccessTokenVerifier otherAudience = verifier(config(",\"audience\":\"https://api.example.com\""), keys);

        assertThat(otherAudience.verify(token)).isEqualTo(TokenRejection.WRONG_AUDIENCE);
        assertThat(events.hits).hasValue(1);
    }

    @Test
    void aTokenThatFailsTheRulesNeverConsultsTheKeys() {
        Verification v = verifier().verify(mint(TokenRecipe.withClaims(Map.of("exp", "now-1"))));

        assertThat(v).isEqualTo(TokenRejection.EXPIRED);
        assertThat(keys.finds).hasValue(0);
    }

    @Test
    void aMalformedTokenNeverConsultsTheKeys() {
        assertThat(verifier().verify("not-a-jwt")).isEqualTo(TokenRejection.MALFORMED);
        assertThat(keys.finds).hasValue(0);
        assertThat(events.rejections).containsExactly(TokenRejection.MALFORMED);
    }

    @Test
    void anUnknownKidIsUnknownKey() {
        Verification v = verifier().verify(mint(TokenRecipe.VALID.withHeader(Map.of("kid", "no-such-kid"))));
        assertThat(v).isEqualTo(TokenRejection.UNKNOWN_KEY);
    }

    @Test
    void unavailableKeysAreKeysUnavailableAndNotCached() {
        keys.unavailable = true;
        AccessTokenVerifier verifier = verifier();
        String token = freshToken();

        assertThat(verifier.verify(token)).isEqualTo(TokenRejection.KEYS_UNAVAILABLE);
        assertThat(events.rejections).containsExactly(TokenRejection.KEYS_UNAVAILABLE);

        keys.unavailable = false;
        assertThat(verifier.verify(token)).isInstanceOf(VerifiedToken.class);
        assertThat(keys.finds).hasValue(2);
    }

    @Test
    void theCacheIsEmptiedWhenARefreshRemovesAKey() {
        AtomicReference<KeySet> published = new AtomicReference<>(keySet(TestIssuer.CURRENT_KID, TestIssuer.PREVIOUS_KID));
        CachedJwks jwks = new CachedJwks(fetcherOf(published), JwksSettings.DEFAULTS, clock, AuthgateEvents.NONE);
        jwks.onKeysRemoved(cache::invalidateAll);
        AccessTokenVerifier verifier = verifier(config(""), jwks);
        String signedByPrevious = mint(TokenRecipe.VALID.signedBy("previous"));
        assertThat(verifier.verify(signedByPrevious)).isInstanceOf(VerifiedToken.class);
        assertThat(cache.size()).isEqualTo(1);

        // The previous key is retired; a token naming a new kid makes the cache refetch and notice.
        published.set(keySet(TestIssuer.CURRENT_KID));
        verifier.verify(mint(TokenRecipe.VALID.withHeader(Map.of("kid", "rotated-kid"))));

        assertThat(cache.size()).isZero();
        assertThat(verifier.verify(signedByPrevious)).isEqualTo(TokenRejection.UNKNOWN_KEY);
    }

    @Test
    void theCacheIsKeptWhenARefreshRemovesNothing() {
        AtomicReference<KeySet> published = new AtomicReference<>(keySet(TestIssuer.CURRENT_KID, TestIssuer.PREVIOUS_KID));
        CachedJwks jwks = new CachedJwks(fetcherOf(published), JwksSettings.DEFAULTS, clock, AuthgateEvents.NONE);
        jwks.onKeysRemoved(cache::invalidateAll);
        AccessTokenVerifier verifier = verifier(config(""), jwks);
        String signedByPrevious = mint(TokenRecipe.VALID.signedBy("previous"));
        verifier.verify(signedByPrevious);

        verifier.verify(mint(TokenRecipe.VALID.withHeader(Map.of("kid", "rotated-kid"))));

        assertThat(cache.size()).isEqualTo(1);
        assertThat(verifier.verify(signedByPrevious)).isInstanceOf(VerifiedToken.class);
        assertThat(events.hits).hasValue(1);
    }

    private static JwksFetcher fetcherOf(AtomicReference<KeySet> published) {
        return new JwksFetcher() {
            @Override
            public CompletableFuture<FetchedKeys> fetch() {
                return CompletableFuture.completedFuture(new FetchedKeys(published.get(), null));
            }

            @Override
            public URI source() {
                return URI.create(ISSUER + "/oauth2/jwks");
            }
        };
    }
}
