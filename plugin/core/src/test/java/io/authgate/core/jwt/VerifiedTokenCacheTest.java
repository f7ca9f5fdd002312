package io.authgate.core.jwt;

import io.authgate.core.credentials.BearerToken;

import io.authgate.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;

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

    @Test
    void sizeCountsStoredTokens() {
        cache.put("a.b.c", Tokens.valid().build());
        cache.put("d.e.f", Tokens.valid().build());

        assertThat(cache.size()).isEqualTo(2);
    }
}
