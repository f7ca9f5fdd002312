package io.authgate.forwardauth.it;

import io.authgate.testkit.ConformanceCase;
import io.authgate.testkit.ConformanceTable;
import io.authgate.testkit.ConformanceProjects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole shared conformance table against the built adapter jar, over HTTP: the table's request
 * headers, exactly as given (name case, order, repeats), on {@code GET /_resolver/resolve}. The
 * adapter's answer is what every gateway copies, so for a 200 row its {@code x-authgear-*} headers
 * must be exactly the row's {@code upstream} headers. Stripping the client's spoofed identity
 * headers is the gateway's job; the adapter must simply never echo them back.
 *
 * <p>One adapter process per distinct case configuration, started on first use and kept for the
 * class; one test issuer per Authgear project serves them all. A row with two projects runs on an
 * adapter with a rule for the second ({@link ConformanceProjects#adapterConfig}); a gateway would say
 * which request it asks about, so such a row is sent with the forwarded headers the shipped gateway
 * configurations write (method, URI and host of the row's request line).
 */
class ForwardAuthConformanceIT {
    private static final AdaptersByConfig ADAPTERS = new AdaptersByConfig();
    private static ConformanceProjects projects;

    @BeforeAll
    static void start() {
        projects = ConformanceProjects.start();
    }

    @AfterAll
    static void stop() {
        ADAPTERS.close();
        if (projects != null) {
            projects.close();
        }
    }

    static List<ConformanceCase> cases() {
        return ConformanceTable.forFront("forward-auth");
    }

    static List<ConformanceCase> hostileCases() {
        return ConformanceTable.hostileForFront("forward-auth");
    }

    @Test
    void theTablesHaveRowsForThisFront() {
        // A table that silently lost its rows (or this front's name) would make the run below vacuous.
        assertThat(cases()).hasSizeGreaterThan(40);
        assertThat(cases()).anyMatch(c -> c.fronts().contains("forward-auth"));
        assertThat(hostileCases()).hasSizeGreaterThan(10);
    }

    /**
     * Sent straight to the adapter, as if the client were the gateway: the row's request line is the
     * gateway's business, so only the headers are sent, on {@code GET /_resolver/resolve}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileCases")
    void hostile(ConformanceCase c) throws Exception {
        conformance(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conformance(ConformanceCase c) throws Exception {
        AdapterProcess adapter = adapterFor(projects.adapterConfig(c));
        List<Map.Entry<String, String>> sent = c.requestWith(projects.token(c, System.currentTimeMillis() / 1000));
        if (c.twoProjects()) {
            sent = new java.util.ArrayList<>(sent);
            sent.add(Map.entry("X-Forwarded-Method", c.method()));
            sent.add(Map.entry("X-Forwarded-Uri", c.target()));
            sent.add(Map.entry("X-Forwarded-Host", "api.example.com"));
        }

        RawHttp.Response response = RawHttp.exchange(adapter.decisionPort(),
                RawHttp.request("GET", "/_resolver/resolve", adapter.decisionPort(), sent));

        assertThat(response.status()).as("status of %s\n%s", c.name(), response).isEqualTo(c.status());
        if (c.status() == 200) {
            assertThat(response.authgearHeaders()).as("x-authgear-* headers of %s\n%s", c.name(), response.rawHead())
                    .isEqualTo(c.upstream());
            assertThat(response.body()).as("a decision has an empty body").isEmpty();
        }
        // The client's identity headers are never echoed, whatever the status.
        for (Map.Entry<String, String> h : sent) {
            String canonical = h.getKey().toLowerCase(Locale.ROOT).replace('_', '-');
            if (!ConformanceCase.isWatched(canonical) || h.getValue().equals(c.upstream().get(canonical))) {
                continue;
            }
            assertThat(response.headers())
                    .as("spoofed %s: %s must not come back\n%s", h.getKey(), h.getValue(), response.rawHead())
                    .noneMatch(r -> r.getKey().toLowerCase(Locale.ROOT).replace('_', '-').equals(canonical)
                            && r.getValue().equals(h.getValue()));
        }
        assertThat(adapter.process().isAlive()).as("adapter still running").isTrue();
    }

    private static AdapterProcess adapterFor(Map<String, Object> config) throws Exception {
        return ADAPTERS.forConfig(config);
    }
}
