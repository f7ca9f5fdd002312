package io.authgate.core.jwt;

import io.authgate.core.credentials.BearerToken;
import io.authgate.core.headers.ClaimHeaders;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.HeapAfterGc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * (Issue 10, item 1) The verified-token cache's weigher against the heap: fill a cache with tokens
 * like Authgear's, measure the heap after full collections before and after, and compare the bytes
 * each entry takes with what the weigher says it takes. The budget is only as good as this estimate,
 * so it must not be low (the heap would outgrow the budget) nor much high (the cache would hold
 * fewer tokens than it could). The measured figures are the README's bytes per cached token.
 *
 * <p>Tokens are parsed but not signed (the signature's 342 characters are random): the cache's weight
 * does not depend on whether a signature verifies, and signing 20,000 tokens takes 20 s.
 */
class TokenCacheWeightTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String ISSUER = "https://myapp.authgear.cloud";
    private static final int TOKENS = 20_000;

    /** An Authgear access token (~1.2 KiB) with its own user and token id, and {@code pad} extra claim characters. */
    private static String token(Random random, long now, int pad) throws Exception {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("kid", "2f1f0d52-4c5e-4c43-9a48-6d1e1a1f0b01");
        header.put("typ", "at+jwt");
        Map<String, Object> claims = AuthgearClaims.user(ISSUER, now);
        claims.put("sub", new UUID(random.nextLong(), random.nextLong()).toString());
        claims.put("jti", new UUID(random.nextLong(), random.nextLong()).toString());
        if (pad > 0) {
            claims.put("pad", "x".repeat(pad));
        }
        byte[] signature = new byte[256];
        random.nextBytes(signature);
        return B64.encodeToString(JSON.writeValueAsBytes(header)) + "." + B64.encodeToString(JSON.writeValueAsBytes(claims))
                + "." + B64.encodeToString(signature);
    }

    /** Bytes per entry: {measured on the heap, as weighed}. */
    private static double[] fill(VerifiedTokenCache cache, int n, int pad) throws Exception {
        return fill(cache, n, pad, ClaimHeaders.NONE);
    }

    private static double[] fill(VerifiedTokenCache cache, int n, int pad, ClaimHeaders claimHeaders) throws Exception {
        Random random = new Random(42);
        long now = System.currentTimeMillis() / 1000;
        // Warm up the parser and the cache's structures, so that what is measured is the entries.
        for (int i = 0; i < 100; i++) {
            AccessTokenParser.parse(token(random, now, pad));
        }
        long before = HeapAfterGc.liveBytesHere();
        long weightBefore = cache.weightedBytes();
        for (int i = 0; i < n; i++) {
            // A new String per token, as from the wire, referenced by the cache alone.
            String token = new String(token(random, now, pad).getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
            AccessTokenParser.Parsed parsed = AccessTokenParser.parse(token);
            cache.put(token, parsed.token(), parsed.claims(), claimHeaders);
        }
        assertThat(cache.size()).isEqualTo(n);
        long after = HeapAfterGc.liveBytesHere();
        return new double[] {(after - before) / (double) n, (cache.weightedBytes() - weightBefore) / (double) n};
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 6_144})
    void aCachedTokenWeighsWhatItTakesOnTheHeap(int pad) throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(1L << 30, Clock.systemUTC());

        double[] perEntry = fill(cache, TOKENS, pad);

        System.out.printf(Locale.ROOT, "[token cache] %d tokens with %d extra claim characters: %.0f bytes per entry on the heap,"
                + " %.0f as weighed%n", TOKENS, pad, perEntry[0], perEntry[1]);
        assertThat(perEntry[1]).as("weighed vs measured bytes per entry").isBetween(perEntry[0] * 0.95, perEntry[0] * 1.15);
        if (pad == 0) {
            assertThat(perEntry[0]).as("an ordinary token: the old count keys read an entry as 2 KiB").isLessThan(2048);
        }
    }

    /** (Issue 15) A route's claim headers are rendered into the entry, so its weight must count them. */
    @Test
    void anEntryWithClaimHeadersWeighsWhatItTakesOnTheHeap() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(1L << 30, Clock.systemUTC());
        ClaimHeaders claimHeaders = new ClaimHeaders(List.of(
                new ClaimHeaders.Mapping("x-myapp-pad", "pad"), new ClaimHeaders.Mapping("x-myapp-iss", "iss")));

        double[] perEntry = fill(cache, TOKENS / 4, 2_048, claimHeaders);

        System.out.printf(Locale.ROOT, "[token cache] %d tokens with a 2 KiB claim as a header: %.0f bytes per entry on the heap,"
                + " %.0f as weighed%n", TOKENS / 4, perEntry[0], perEntry[1]);
        assertThat(perEntry[0]).as("the rendered 2 KiB header is held").isGreaterThan(2 * 2_048);
        assertThat(perEntry[1]).as("weighed vs measured bytes per entry").isBetween(perEntry[0] * 0.95, perEntry[0] * 1.15);
    }

    @Test
    void theCacheStaysWithinItsBudgetOnTheHeap() throws Exception {
        long budget = 8L << 20;
        VerifiedTokenCache cache = new VerifiedTokenCache(budget, Clock.systemUTC());
        Random random = new Random(7);
        long now = System.currentTimeMillis() / 1000;
        long before = HeapAfterGc.liveBytesHere();
        for (int i = 0; i < 20_000; i++) { // ~36 MiB of entries offered to an 8 MiB budget
            String token = token(random, now, 0);
            cache.put(token, AccessTokenParser.parse(token).token());
        }
        long after = HeapAfterGc.liveBytesHere();

        assertThat(cache.weightedBytes()).isLessThanOrEqualTo(budget);
        assertThat(cache.size()).as("about budget / weight: more than 3,000, fewer than 6,000").isBetween(3_000L, 6_000L);
        assertThat(after - before).as("the heap the cache took").isLessThan(budget + budget / 5);
    }

    @Test
    void aZeroBudgetCachesNothing() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(0, Clock.systemUTC());
        String token = token(new Random(1), System.currentTimeMillis() / 1000, 0);
        cache.put(token, AccessTokenParser.parse(token).token());
        assertThat(cache.get(BearerToken.ofToken(token))).isNull();
        assertThat(cache.size()).isZero();
    }
}
