package io.authgate.forwardauth;

import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.headers.SessionClaims;
import io.authgate.core.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The max-age an allow answer gets, at its bounds: the token's exp (one second held back for nginx's
 * whole-second clock), the configured ceiling, the negative ceiling, nothing for answers the core
 * says not to reuse; and the key {@value AnswerCaching#KEY}, validated at start-up.
 */
class AnswerCachingTest {
    private static final IdentityHeaders SESSION = IdentityHeaders.validSession(new SessionClaims(
            "c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11", false, true, true, List.of("admin"), List.of("pwd"), 1136171045L));
    private static final long NOW = 1_800_000_000_500L; // half a second into a second, as most requests are
    private static final AnswerCaching DEFAULTS = AnswerCaching.defaults();

    private static Decision.Allow session(long untilMillis) {
        return new Decision.Allow(SESSION, untilMillis);
    }

    @Test
    void aLongLivedTokenGetsTheCeiling() {
        assertThat(DEFAULTS.maxAgeSeconds(session(NOW + 1_800_000), NOW)).isEqualTo(5);
        assertThat(AnswerCaching.value(5)).isEqualTo("max-age=5");
    }

    @Test
    void aTokenNearItsExpiryGetsWhatIsLeftLessTheSecondNginxAdds() {
        // exp 3.5 s away: nginx, storing at whole second t, serves through t + max-age + 0.999 s.
        assertThat(DEFAULTS.maxAgeSeconds(session(NOW + 3_500), NOW)).isEqualTo(2);
        assertThat(DEFAULTS.maxAgeSeconds(session(NOW + 2_000), NOW)).isEqualTo(1);
        assertThat(DEFAULTS.maxAgeSeconds(session(NOW + 1_999), NOW)).isEqualTo(0);
        assertThat(DEFAULTS.maxAgeSeconds(session(NOW - 1), NOW)).as("already past").isEqualTo(0);
        assertThat(AnswerCaching.value(0)).isEqualTo("no-store");
    }

    /** For every instant of a second and every exp, what nginx would serve ends no later than exp. */
    @Test
    void nginxNeverServesAnEntryAtOrAfterTheTokensExp() {
        long exp = 1_800_000_010L;
        for (long now = (exp - 8) * 1000; now <= exp * 1000; now += 37) {
            int maxAge = DEFAULTS.maxAgeSeconds(session(exp * 1000), now);
            if (maxAge == 0) {
                continue; // no-store: nginx does not cache it
            }
            long storedAtWholeSecond = now / 1000; // nginx's ngx_time(), which may only lag behind
            long lastServedExclusiveMillis = (storedAtWholeSecond + maxAge + 1) * 1000; // valid_sec < now is stale
            assertThat(lastServedExclusiveMillis).as("now %d max-age %d", now, maxAge).isLessThanOrEqualTo(exp * 1000);
        }
    }

    @Test
    void noSessionGetsAtMostTheNegativeCeiling() {
        assertThat(DEFAULTS.maxAgeSeconds(Decision.Allow.NO_SESSION, NOW)).isEqualTo(AnswerCaching.NEGATIVE_MAX_AGE_SECONDS);
        assertThat(DEFAULTS.maxAgeSeconds(new Decision.Allow(IdentityHeaders.NONE, NOW + 60_000), NOW)).isEqualTo(1);
        // Authgear's Session-Valid: false: as long as the remote negative cache (5 s) would keep it.
        Decision.Allow invalid = new Decision.Allow(IdentityHeaders.SESSION_INVALID, NOW + 5_000);
        assertThat(DEFAULTS.maxAgeSeconds(invalid, NOW)).as("Session-Valid: false").isEqualTo(4);
    }

    @Test
    void whatTheCoreSaysNotToReuseIsNoStore() {
        assertThat(DEFAULTS.maxAgeSeconds(Decision.Allow.NO_SESSION_NOT_REUSABLE, NOW)).isZero();
        assertThat(DEFAULTS.maxAgeSeconds(new Decision.Allow(SESSION), NOW)).as("a live route's session").isZero();
    }

    @Test
    void aCeilingOfZeroTurnsGatewayCachingOff() {
        AnswerCaching off = new AnswerCaching(0);
        assertThat(off.maxAgeSeconds(session(NOW + 1_800_000), NOW)).isZero();
        assertThat(off.maxAgeSeconds(Decision.Allow.NO_SESSION, NOW)).isZero();
        assertThat(off.fieldLines().length).isEqualTo(1);
    }

    @Test
    void theFieldLinesAreTheValuesAsWritten() {
        byte[][] lines = new AnswerCaching(300).fieldLines();
        assertThat(new String(lines[0], StandardCharsets.US_ASCII)).isEqualTo("cache-control: no-store\r\n");
        assertThat(new String(lines[300], StandardCharsets.US_ASCII)).isEqualTo("cache-control: max-age=300\r\n");
    }

    // --- the key -----------------------------------------------------------------------------------

    private static final String ENDPOINT = "authgear_endpoint: https://myapp.authgear.cloud\n";

    @Test
    void theDefaultIsFiveSeconds() {
        assertThat(AdapterConfigTest.parse(ENDPOINT).answerCaching().maxAgeSeconds()).isEqualTo(5);
    }

    /** While Authgear's events can revoke a session, a gateway cache must not hide that for 6 s. */
    @Test
    void withRevocationOnTheDefaultIsOneSecondAndAnExplicitValueStillWins() {
        String revocation = "revocation:\n  webhook_secret: answer-caching-secret-0123\n";
        assertThat(AdapterConfigTest.parse(ENDPOINT + revocation).answerCaching().maxAgeSeconds()).isEqualTo(1);
        assertThat(AdapterConfigTest.parse(ENDPOINT + "webhook_listen: 127.0.0.1:0\n" + revocation).answerCaching().maxAgeSeconds())
                .isEqualTo(1);
        assertThat(AdapterConfigTest.parse(ENDPOINT + revocation + AnswerCaching.KEY + ": 5\n").answerCaching().maxAgeSeconds())
                .isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 300})
    void anyWholeNumberUpToFiveMinutesIsAccepted(int seconds) {
        assertThat(AdapterConfigTest.parse(ENDPOINT + AnswerCaching.KEY + ": " + seconds + "\n").answerCaching().maxAgeSeconds())
                .isEqualTo(seconds);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "301", "1.5", "\"5\"", "true", "[5]"})
    void anythingElseFailsAtStartUpNamingTheKey(String value) {
        assertThat(AdapterConfigTest.rejected(ENDPOINT + AnswerCaching.KEY + ": " + value + "\n", AnswerCaching.KEY))
                .contains("must be a whole number from 0 to 300");
    }

    @Test
    void itIsNotARuleKey() {
        AdapterConfigTest.rejected(ENDPOINT + "rules:\n  - match: {path_prefix: /a}\n    " + AnswerCaching.KEY + ": 1\n",
                "rules[0]." + AnswerCaching.KEY);
    }
}
