package io.authgate.core.resolve;

import io.authgate.core.Authgate;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.Decision;
import io.authgate.core.Gate;
import io.authgate.core.GatewayRequest;
import io.authgate.core.config.ConfigParser;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Decision.Allow#reusableUntilMillis()}: how long the core itself would give the same answer,
 * which fronts pass on to gateway caches. Keys and Authgear's resolver over HTTP (a {@link TestIssuer}).
 */
class AnswerReuseTest {
    private static TestIssuer issuer;
    private static Authgate authgate;

    @BeforeAll
    static void start() {
        issuer = TestIssuer.start();
        authgate = Authgate.create(AuthgateEvents.NONE);
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    private static Gate resolver(String extraJson) {
        return authgate.prepare(ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\"" + extraJson + "}"));
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static Decision.Allow allow(Gate resolver, GatewayRequest request) {
        Decision d = resolver.resolveAsync(request).join();
        assertThat(d).isInstanceOf(Decision.Allow.class);
        return (Decision.Allow) d;
    }

    private static GatewayRequest bearer(Map<String, Object> claims) {
        return GatewayRequest.of("Bearer " + new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(claims), now()), null);
    }

    @Test
    void aVerifiedTokenUntilItsExp() {
        long exp = now() + 120;
        assertThat(allow(resolver(""), bearer(Map.of("exp", exp))).reusableUntilMillis()).isEqualTo(exp * 1000);
    }

    @Test
    void underMaxAuthAgeUntilTheSessionStopsPassingIt() {
        long authTime = now() - 10;
        Decision.Allow a = allow(resolver(",\"mode\":\"enforce\",\"policy\":{\"max_auth_age_seconds\":300}"),
                bearer(Map.of("auth_time", authTime)));
        assertThat(a.reusableUntilMillis()).isEqualTo((authTime + 301) * 1000);
    }

    @Test
    void nothingOnALiveRoute() {
        Gate live = resolver(",\"live\":true");
        assertThat(allow(live, bearer(Map.of())).reusableUntilMillis()).isEqualTo(Decision.Allow.NOT_REUSABLE);
        assertThat(allow(live, GatewayRequest.of(null, null))).isSameAs(Decision.Allow.NO_SESSION_NOT_REUSABLE);
    }

    @Test
    void noCredentialsOrARejectedTokenForGood() {
        assertThat(allow(resolver(""), GatewayRequest.of(null, null))).isSameAs(Decision.Allow.NO_SESSION);
        assertThat(allow(resolver(""), GatewayRequest.of("Bearer a.b.c", null))).isSameAs(Decision.Allow.NO_SESSION);
    }

    @Test
    void nothingWhenAuthgearDidNotAnswerAndOnErrorLetsTheRequestThrough() {
        issuer.resolver().failWith(500);
        try {
            Decision.Allow a = allow(resolver(",\"resolver\":{\"on_error\":\"no_session\"}"), GatewayRequest.of(null, "app_session=reuse-test"));
            assertThat(a).isSameAs(Decision.Allow.NO_SESSION_NOT_REUSABLE);
        } finally {
            issuer.resolver().reset();
        }
    }
}
