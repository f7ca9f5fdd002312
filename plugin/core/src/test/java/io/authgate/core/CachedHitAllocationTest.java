package io.authgate.core;

import io.authgate.core.config.ConfigParser;
import io.authgate.core.headers.IdentityHeaderNames;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cached JWT hit is the hot path of every front: its headers are rendered where the verified token
 * entered the cache, so a hit allocates only its cache lookup key, not a copy of the token (about
 * 1.2 KiB) nor a new decision. Measured with the JVM's per-thread allocation counter (HotSpot's
 * {@code com.sun.management.ThreadMXBean}), over many hits so that one-off allocations (the JIT,
 * the first call) vanish in the average.
 */
class CachedHitAllocationTest {
    private static final int HITS = 20_000;
    /** The lookup key (a 24-byte object) with room to spare; the old hit allocated ~1,300 bytes. */
    private static final long MAX_BYTES_PER_HIT = 128;

    @Test
    void aCachedHitAllocatesOnlyItsLookupKey() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).as("HotSpot counts allocations per thread").isTrue();
        try (TestIssuer issuer = TestIssuer.start()) {
            Authgate authgate = Authgate.create(AuthgateEvents.NONE);
            Gate resolver = authgate.gateFor(ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\"}"));
            String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
            // As a gateway reads it off the wire: a new String, whose hash is not cached yet.
            GatewayRequest request = GatewayRequest.of(new String(("Bearer " + token).getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.ISO_8859_1), null);
            requireSession(resolver.resolve(request));
            for (int i = 0; i < HITS; i++) {
                resolver.resolve(request); // warm up
            }

            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            Decision last = null;
            for (int i = 0; i < HITS; i++) {
                last = resolver.resolve(request);
            }
            long perHit = (threads.getThreadAllocatedBytes(thread) - before) / HITS;

            System.out.printf(java.util.Locale.ROOT, "[cached hit] %d bytes allocated per hit%n", perHit);
            requireSession(last);
            assertThat(perHit).as("bytes allocated per cached hit").isLessThanOrEqualTo(MAX_BYTES_PER_HIT);
        }
    }

    private static void requireSession(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Allow.class);
        assertThat(((Decision.Allow) decision).headers().get(IdentityHeaderNames.USER_ID)).isEqualTo(AuthgearClaims.USER_ID);
    }
}
