package io.authgate.core.jwt;

import io.authgate.core.credentials.BearerToken;
import io.authgate.core.headers.ClaimHeaders;

import io.authgate.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.authgate.core.jwt.Tokens.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokenCacheTest {
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(NOW));
    private final VerifiedTokenCache cache = new VerifiedTokenCache(1 << 20, clock);

    @Test
    void aStoredTokenIsFoundByAnEqualString() {
        AccessToken token = Tokens.valid().build();
        cache.put("abc.def.ghi", token);

        assertThat(cache.get(BearerToken.ofToken(new String("abc.def.ghi".toCharArray()))).token()).isEqualTo(token);
    }

    @Test
    void anotherStringFindsNothing() {
        cache.put("abc.def.ghi", Tokens.valid().build());

        assertThat(cache.get(BearerToken.ofToken("abc.def.ghj"))).isNull();
    }

    @Test
    void anAlreadyExpiredTokenIsNotStored() {
        cache.put("abc.def.ghi", Tokens.valid().exp(NOW).build());

        assertThat(cache.get(BearerToken.ofToken("abc.def.ghi"))).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void invalidateAllEmptiesTheCache() {
        cache.put("a.b.c", Tokens.valid().build());
        cache.put("d.e.f", Tokens.valid().build());

        cache.invalidateAll();

        assertThat(cache.get(BearerToken.ofToken("a.b.c"))).isNull();
        assertThat(cache.get(BearerToken.ofToken("d.e.f"))).isNull();
        assertThat(cache.size()).isZero();
    }

    /** (Issue 15) Two routes mapping other claims share the cache, and each finds only its own rendering. */
    @Test
    void eachClaimMappingFindsItsOwnEntryForTheSameToken() {
        ClaimHeaders tenant = new ClaimHeaders(List.of(new ClaimHeaders.Mapping("x-myapp-tenant", "tenant")));
        ClaimHeaders sameAgain = new ClaimHeaders(List.of(new ClaimHeaders.Mapping("x-myapp-tenant", "tenant")));
        ClaimHeaders plan = new ClaimHeaders(List.of(new ClaimHeaders.Mapping("x-myapp-plan", "plan")));
        Map<String, Object> claims = Map.of("tenant", "acme", "plan", "pro");
        cache.put("a.b.c", Tokens.valid().build(), claims, tenant);

        assertThat(cache.get(BearerToken.ofToken("a.b.c"), tenant).headers().get("x-myapp-tenant")).isEqualTo("acme");
        assertThat(cache.get(BearerToken.ofToken("a.b.c"), sameAgain)).as("an equal mapping shares the entry").isNotNull();
        assertThat(cache.get(BearerToken.ofToken("a.b.c"), plan)).isNull();
        assertThat(cache.get(BearerToken.ofToken("a.b.c"))).isNull();

        cache.put("a.b.c", Tokens.valid().build(), claims, plan);
        assertThat(cache.get(BearerToken.ofToken("a.b.c"), plan).headers().get("x-myapp-plan")).isEqualTo("pro");
        assertThat(cache.get(BearerToken.ofToken("a.b.c"), plan).headers().get("x-myapp-tenant")).isNull();
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void sizeCountsStoredTokens() {
        cache.put("a.b.c", Tokens.valid().build());
        cache.put("d.e.f", Tokens.valid().build());

        assertThat(cache.size()).isEqualTo(2);
    }
}
