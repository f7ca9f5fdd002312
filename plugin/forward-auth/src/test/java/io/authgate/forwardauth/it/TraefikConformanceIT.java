package io.authgate.forwardauth.it;

import io.authgate.forwardauth.it.TraefikForwardAuthReplay.ClientRequest;
import io.authgate.forwardauth.it.TraefikForwardAuthReplay.Result;
import io.authgate.testkit.ConformanceCase;
import io.authgate.testkit.ConformanceTable;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole shared conformance table through the shipped Traefik configuration (traefik-conf/),
 * replayed by {@link TraefikForwardAuthReplay} against the built adapter jar: what is asserted is
 * what reaches the backend after Traefik's copy-and-delete, every spelling of x-authgear-* counted
 * (a backend may read X_Authgear_User_Id as X-Authgear-User-Id).
 *
 * <p>Three set-ups, so each of the two defences against underscore spellings is shown to hold on
 * its own: the shipped one (entry point {@code underscoreHeadersStrategy: delete} and the
 * forwardAuth regex {@code (?i)^x[-_]authgear[-_]}); the shipped middleware on an entry point that
 * keeps underscore headers (Traefik before v3.7.6, or the option removed); and the entry point
 * option with the usual regex {@code ^X-Authgear-}.
 *
 * <p>One adapter process per distinct case configuration, started on first use and kept for the
 * class; one test issuer serves them all.
 */
class TraefikConformanceIT {
    private static final AdaptersByConfig ADAPTERS = new AdaptersByConfig();
    private static TestIssuer issuer;
    private static TraefikForwardAuthReplay shipped;

    enum SetUp {
        SHIPPED(r -> r),
        REGEX_ONLY(r -> r.withEntryPoint(r.entryPoint().withUnderscoreHeadersStrategy("keep"))),
        ENTRY_POINT_ONLY(r -> r.withForwardAuth(fa -> fa.withAuthResponseHeadersRegex("^X-Authgear-")));

        final UnaryOperator<TraefikForwardAuthReplay> change;

        SetUp(UnaryOperator<TraefikForwardAuthReplay> change) {
            this.change = change;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        issuer = TestIssuer.start();
        shipped = TraefikForwardAuthReplay.fromConfig(TraefikShippedConfigTest.staticYml(), TraefikShippedConfigTest.dynamicYml(), "web", "api");
    }

    @AfterAll
    static void stop() {
        ADAPTERS.close();
        if (issuer != null) {
            issuer.close();
        }
    }

    static List<ConformanceCase> cases() {
        return ConformanceTable.forFront("traefik");
    }

    static Stream<Arguments> casesBySetUp() {
        return Stream.of(SetUp.values()).flatMap(s -> cases().stream().map(c -> Arguments.of(s, c)));
    }

    static Stream<Arguments> hostileCasesBySetUp() {
        return Stream.of(SetUp.values()).flatMap(s -> ConformanceTable.hostileForFront("traefik").stream().map(c -> Arguments.of(s, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("hostileCasesBySetUp")
    void hostile(SetUp setUp, ConformanceCase c) throws Exception {
        conformance(setUp, c);
    }

    @Test
    void theTableHasRowsForTraefikWithUnderscoreSpellings() {
        // A table that lost its rows, or its underscore rows, would make the run below vacuous.
        assertThat(cases()).hasSizeGreaterThan(40);
        assertThat(cases()).anyMatch(c -> c.request().stream().anyMatch(h -> h.getKey().startsWith("X_Authgear_")));
        assertThat(ConformanceTable.hostileForFront("traefik")).hasSizeGreaterThan(10);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("casesBySetUp")
    void conformance(SetUp setUp, ConformanceCase c) throws Exception {
        AdapterProcess adapter = adapterFor(c.configFor(issuer.issuer()));
        String token = c.token() == null ? null : new TokenMinter(issuer.issuer()).mint(c.token(), System.currentTimeMillis() / 1000);
        ClientRequest request = ClientRequest.get("api.example.com", c.target()).withMethod(c.method()).withHeaders(c.requestWith(token));
        TraefikForwardAuthReplay replay = setUp.change.apply(shipped).withAuthOrigin(adapter.decisionOrigin());

        Result result = replay.replay(request);

        if (c.status() == 200) {
            assertThat(result.reachedUpstream()).as("%s reaches the upstream; got %s", c.name(), result.response()).isTrue();
            Map<String, String> identity = new LinkedHashMap<>();
            result.identityHeadersAtUpstream().forEach((name, values) -> {
                assertThat(values).as("%s reaches the upstream once", name).hasSize(1);
                identity.put(name, values.get(0));
            });
            assertThat(identity).as("x-authgear-* at the upstream for %s\nauth answer: %s", c.name(), result.authResponse())
                    .isEqualTo(c.upstream());
        } else {
            assertThat(result.reachedUpstream()).as("%s must not reach the upstream", c.name()).isFalse();
            assertThat(result.response().status()).isEqualTo(c.status());
        }
        assertThat(adapter.process().isAlive()).as("adapter still running").isTrue();
    }

    private static AdapterProcess adapterFor(Map<String, Object> config) throws Exception {
        return ADAPTERS.forConfig(config);
    }
}
