package io.authgate.apisix.it;

import io.authgate.testkit.ConformanceCase;
import io.authgate.testkit.ConformanceTable;
import io.authgate.testkit.ConformanceProjects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole conformance table through the real APISIX Java Plugin Runner 0.4.0, with the built
 * plugin jar in its {@code loader.path}, driven over its Unix socket as APISIX's ext-plugin does, and
 * keys served over HTTP by the test issuer. What is asserted is what the upstream would receive.
 *
 * <p>A row with two Authgear projects: APISIX's router picks the route by URI and the ext-plugin sends
 * the runner that route's plugin value (its {@code conf}), so the request is sent with the value of
 * the route it is on ({@link ConformanceProjects#routeConfig}), both routes' values being live in the
 * one runner, as with two routes in APISIX.
 */
class ApisixConformanceIT {
    private static ConformanceProjects projects;
    private static ApisixHarness apisix;

    @BeforeAll
    static void start() throws Exception {
        projects = ConformanceProjects.start();
        apisix = ApisixHarness.start();
    }

    @AfterAll
    static void stop() {
        if (apisix != null) {
            apisix.close();
        }
        if (projects != null) {
            projects.close();
        }
    }

    static List<ConformanceCase> cases() {
        return ConformanceTable.forFront("apisix");
    }

    static List<ConformanceCase> hostileCases() {
        return ConformanceTable.hostileForFront("apisix");
    }

    @Test
    void theTablesHaveRowsForThisFront() {
        assertThat(cases()).hasSizeGreaterThan(40);
        assertThat(hostileCases()).hasSizeGreaterThan(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileCases")
    void hostile(ConformanceCase c) throws Exception {
        conformance(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conformance(ConformanceCase c) throws Exception {
        String token = projects.token(c, System.currentTimeMillis() / 1000);
        HttpRequestSpec.Builder request = HttpRequestSpec.builder(c.method(), c.path()).header("Host", "api.example.com");
        for (Map.Entry<String, String> h : c.requestWith(token)) {
            request.header(h.getKey(), h.getValue());
        }
        HttpRequestSpec spec = request.build();

        ReqCallResult result = apisix.call(ApisixHarness.json(projects.routeConfig(c)), spec);

        if (c.status() == 200) {
            assertThat(result.action()).as("action").isIn(ReqCallResult.Action.NONE, ReqCallResult.Action.REWRITE);
            assertThat(ApisixHarness.identityHeadersAtUpstream(spec, result))
                    .isEqualTo(ApisixHarness.expectedBehindNginx(c.upstream()));
        } else {
            assertThat(result.action()).as("action").isEqualTo(ReqCallResult.Action.STOP);
            assertThat(result.status()).isEqualTo(c.status());
        }
    }
}
