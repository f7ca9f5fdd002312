package io.authgate.core.resolve;

import io.authgate.core.Gate;

import io.authgate.core.GatewayRequest;
import io.authgate.core.Decision;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.core.Authgate;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.headers.ClaimHeaders;
import io.authgate.core.headers.Header;
import io.authgate.core.headers.IdentityHeaderNames;
import io.authgate.core.TokenRejection;
import io.authgate.testkit.ConformanceCase;
import io.authgate.testkit.ConformanceTable;
import io.authgate.testkit.ConformanceProjects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conformance table against the core itself, with keys fetched over real HTTP from the test
 * issuer (discovery, then JWKS). The upstream view is what any front must produce: the client's
 * headers minus every identity header, plus the decision's. A row with two Authgear projects is
 * decided by the gate of the route it is on (the core has no routing: which route a request is on
 * is the front's choice), its project's issuer serving the keys and the resolver.
 */
class CoreConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ConformanceProjects projects;
    private static Authgate authgate;
    /**
     * The rejections reported while resolving. Shared, not per thread: a rejection decided after a
     * key fetch is reported on the thread that completed the fetch. The cases run one at a time.
     */
    private static final List<String> REJECTIONS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        projects = ConformanceProjects.start();
        authgate = Authgate.create(new AuthgateEvents() {
            @Override
            public void tokenRejected(TokenRejection reason) {
                REJECTIONS.add(reason.name());
            }
        });
    }

    @AfterAll
    static void stop() {
        projects.close();
    }

    static List<ConformanceCase> cases() {
        return ConformanceTable.forFront("core");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conformance(ConformanceCase c) throws Exception {
        Gate resolver = authgate.gateFor(ConfigParser.parseJson(JSON.writeValueAsString(projects.routeConfig(c))));
        String token = projects.token(c, System.currentTimeMillis() / 1000);
        List<Map.Entry<String, String>> request = c.requestWith(token);

        REJECTIONS.clear();
        Decision decision = resolver.resolve(toGatewayRequest(request));

        // A "no session" row must fail for the reason it names, not for any reason at all.
        if (c.reason() == null || c.reason().equals("no_credential")) {
            assertThat(REJECTIONS).as("token rejections").isEmpty();
        } else {
            assertThat(REJECTIONS).as("token rejections").containsExactly(c.reason());
        }

        if (c.status() == 200) {
            assertThat(decision).isInstanceOf(Decision.Allow.class);
            assertThat(upstreamIdentityHeaders(request, (Decision.Allow) decision, resolver.config().claimHeaders())).isEqualTo(c.upstream());
        } else {
            assertThat(decision).isInstanceOf(Decision.Deny.class);
            assertThat(((Decision.Deny) decision).status()).isEqualTo(c.status());
        }
    }

    static GatewayRequest toGatewayRequest(List<Map.Entry<String, String>> headers) {
        String authorization = null;
        List<String> cookies = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase("authorization") && authorization == null) {
                authorization = h.getValue();
            } else if (h.getKey().equalsIgnoreCase("cookie")) {
                cookies.add(h.getValue());
            }
        }
        return new GatewayRequest(authorization, cookies);
    }

    /**
     * The watched headers an upstream would see: client's identity headers and the route's claim
     * headers dropped, as every front drops them, decision's added.
     */
    static Map<String, String> upstreamIdentityHeaders(List<Map.Entry<String, String>> client, Decision.Allow allow,
                                                       ClaimHeaders claimHeaders) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : client) {
            if (ConformanceCase.isWatched(h.getKey()) && !IdentityHeaderNames.isIdentityHeader(h.getKey())
                    && !claimHeaders.isSetHere(h.getKey())) {
                seen.put(h.getKey().toLowerCase(), h.getValue());
            }
        }
        for (Header h : allow.headers().asList()) {
            seen.put(h.name(), h.value());
        }
        return seen;
    }
}
