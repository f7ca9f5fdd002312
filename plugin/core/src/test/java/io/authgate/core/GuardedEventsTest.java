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

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The events sink is wrapped once in {@link Authgate}: a listener that throws never breaks a decision. */
class GuardedEventsTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private final TestIssuer issuer = TestIssuer.start();
    private final MutableClock clock = MutableClock.now();

    @AfterEach
    void stop() {
        issuer.close();
    }

    /** Throws from every event, as a broken metrics or logging sink would. */
    private static final class Throwing implements AuthgateEvents {
        @Override
        public void jwksFetched(URI source, int keys, int skipped, Duration ttl) {
            throw new IllegalStateException("listener broke");
        }

        @Override
        public void tokenCacheHit() {
            throw new IllegalStateException("listener broke");
        }

        @Override
        public void tokenCacheMiss() {
            throw new IllegalStateException("listener broke");
        }

        @Override
        public void tokenRejected(TokenRejection reason) {
            throw new IllegalStateException("listener broke");
        }
    }

    private Authgate authgate(AuthgateEvents events) {
        return new Authgate(clock, events, c -> new HttpJwksFetcher(
                CLIENT, c.issuer(), c.jwksUri(), c.discoveryUri(), c.jwks().fetchTimeout()));
    }

    private AuthgateConfig config() {
        return ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\"}");
    }

    private Decision bearer(Authgate authgate, String token) {
        return authgate.gateFor(config()).resolve(GatewayRequest.of("Bearer " + token, null));
    }

    private static boolean validSession(Decision decision) {
        return decision instanceof Decision.Allow allow && "true".equals(allow.headers().get("x-authgear-session-valid"));
    }

    @Test
    void aThrowingListenerNeverBreaksADecision() {
        Authgate authgate = authgate(new Throwing());
        String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, clock.epochSeconds());
        String expired = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("exp", "now-1")), clock.epochSeconds());

        assertThat(validSession(bearer(authgate, token))).as("cold: miss, fetch, verify").isTrue();
        assertThat(validSession(bearer(authgate, token))).as("cached hit").isTrue();
        assertThat(bearer(authgate, expired)).as("rejected").isSameAs(Decision.Allow.NO_SESSION);
    }

    @Test
    void everyListenerHearsEveryEventEvenWhenOneThrows() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        AuthgateEvents recording1 = recording(first);
        AuthgateEvents recording2 = recording(second);
        Authgate authgate = authgate(AuthgateEvents.all(List.of(recording1, new Throwing(), recording2)));
        String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, clock.epochSeconds());

        bearer(authgate, token);
        bearer(authgate, token);

        assertThat(first).containsExactly("miss", "hit");
        assertThat(second).containsExactly("miss", "hit");
    }

    /** Every event of the interface reaches the listeners: one left out is silently lost behind the guard. */
    @Test
    void theGuardForwardsEveryEvent() throws Exception {
        List<String> heard = new ArrayList<>();
        AuthgateEvents listener = (AuthgateEvents) java.lang.reflect.Proxy.newProxyInstance(AuthgateEvents.class.getClassLoader(),
                new Class<?>[]{AuthgateEvents.class}, (proxy, method, args) -> {
                    heard.add(method.getName());
                    return null;
                });
        AuthgateEvents guarded = GuardedEvents.of(List.of(listener));
        List<String> events = new ArrayList<>();
        for (java.lang.reflect.Method m : AuthgateEvents.class.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Object[] args = new Object[m.getParameterCount()];
            Class<?>[] types = m.getParameterTypes();
            for (int i = 0; i < args.length; i++) {
                args[i] = types[i] == long.class ? 0L : types[i] == int.class ? 0 : types[i].isEnum() ? types[i].getEnumConstants()[0] : null;
            }
            m.invoke(guarded, args);
            events.add(m.getName());
        }
        assertThat(heard).containsExactlyInAnyOrderElementsOf(events);
    }

    @Test
    void theDisabledSinkIsAnObjectNotNull() {
        assertThat(AuthgateEvents.NONE).isNotNull();
        Authgate authgate = authgate(AuthgateEvents.NONE);
        String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, clock.epochSeconds());
        assertThat(validSession(bearer(authgate, token))).isTrue();
    }

    private static AuthgateEvents recording(List<String> into) {
        return new AuthgateEvents() {
            @Override
            public void tokenCacheHit() {
                into.add("hit");
            }

            @Override
            public void tokenCacheMiss() {
                into.add("miss");
            }
        };
    }
}
