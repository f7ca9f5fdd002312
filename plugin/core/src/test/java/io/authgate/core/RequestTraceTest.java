package io.authgate.core;

import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.jwks.HttpJwksFetcher;
import io.authgate.testkit.MutableClock;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request's trace hears why its token was refused (what the decision logs write as {@code reason}),
 * by the sync and the async entry points alike, once; the decision itself is the same as untraced.
 */
class RequestTraceTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private final TestIssuer issuer = TestIssuer.start();
    private final MutableClock clock = MutableClock.now();
    private final List<TokenRejection> heard = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        issuer.close();
    }

    private Gate gate(String more) {
        Authgate authgate = new Authgate(clock, AuthgateEvents.NONE, c -> new HttpJwksFetcher(
                CLIENT, c.issuer(), c.jwksUri(), c.discoveryUri(), c.jwks().fetchTimeout()));
        AuthgateConfig config = ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"resolver\":false" + more + "}");
        return authgate.gateFor(config);
    }

    private GatewayRequest traced(String token) {
        return GatewayRequest.of("Bearer " + token, null).traced(heard::add);
    }

    private String expired() {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("exp", "now-1")), clock.epochSeconds());
    }

    @Test
    void anExpiredTokenInResolveModeIsTheSameNoSessionAndTheTraceHearsExpired() {
        Decision decision = gate("").resolve(traced(expired()));

        assertThat(decision).isSameAs(Decision.Allow.NO_SESSION);
        assertThat(heard).containsExactly(TokenRejection.EXPIRED);
    }

    @Test
    void aForgedTokenInEnforceModeIsDeniedAndTheTraceHearsItsReasonThroughTheAsyncEntryPoint() throws Exception {
        String forged = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID.signedBy("attacker"), clock.epochSeconds());

        Decision decision = gate(",\"mode\":\"enforce\"").resolveAsync(traced(forged)).get(10, TimeUnit.SECONDS);

        assertThat(decision).isInstanceOfSatisfying(Decision.Deny.class, d -> assertThat(d.status()).isEqualTo(401));
        assertThat(heard).hasSize(1);
        assertThat(heard.get(0)).isIn(TokenRejection.UNKNOWN_KEY, TokenRejection.BAD_SIGNATURE);
    }

    @Test
    void aValidTokenOrNoTokenTellsTheTraceNothing() {
        Gate gate = gate("");
        String valid = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, clock.epochSeconds());
        gate.resolve(traced(valid));
        gate.resolve(traced(valid));
        gate.resolve(GatewayRequest.of(null, null).traced(heard::add));

        assertThat(heard).isEmpty();
    }
}
