package io.authgate.apisix.it;

import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a changed route value takes effect, through the real runner 0.4.0 played to as APISIX plays
 * to it. The route's {@code ext-plugin-pre-req} conf is what the plugin reads; APISIX caches the conf
 * token per route version (an lrucache with the conf token TTL, {@code ext-plugin/init.lua}), so a
 * changed route is a new PrepareConf and a new token, which the next request carries. The runner
 * keeps each conf for {@code APISIX_CONF_EXPIRE_TIME} + 10 seconds after it was prepared, at most
 * 1000 of them (read from the 0.4.0 jar itself: the starter's {@code application.yaml} maps
 * {@code cache.config.expired} to {@code APISIX_CONF_EXPIRE_TIME}; runner-core's
 * {@code A6HandlerConfiguration.configurationCache} is Guava {@code expireAfterWrite(expired + 10 s)},
 * {@code maximumSize(1000)}), so APISIX's own token expires first; a token it no longer has is
 * answered with error {@code CONF_TOKEN_NOT_FOUND}, on which APISIX sends the route's PrepareConf
 * again and retries (up to 3 times; {@code ../shared/spec/gateways.md}).
 *
 * <p>Timing: {@code APISIX_CONF_EXPIRE_TIME=2}, so the runner forgets after 12 s; the test waits 14 s.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApisixRouteChangeIT {
    private static final int CONF_TOKEN_NOT_FOUND = 2;
    private static final int APISIX_ATTEMPTS = 3;

    private TestIssuer issuer;
    private RunnerProcess runner;
    private ApisixExtPluginClient apisix;

    @BeforeEach
    void start() throws IOException {
        issuer = TestIssuer.start();
        runner = RunnerProcess.start(RunnerProcess.runnerJar(), RunnerProcess.pluginJar(), Map.of("APISIX_CONF_EXPIRE_TIME", "2"), List.of());
        apisix = new ApisixExtPluginClient(runner.socket());
    }

    @AfterEach
    void stop() {
        apisix.close();
        runner.close();
        issuer.close();
    }

    private String route(String mode) {
        return "{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"mode\":\"" + mode + "\"}";
    }

    private long prepare(String routeValue) throws IOException {
        return apisix.prepareConf("route-1", List.of(Map.entry(ApisixHarness.FILTER, routeValue)));
    }

    /** What APISIX's HTTPReqCall path does with a token the runner no longer has: prepare again, retry. */
    private record Sent(ReqCallResult result, long token, int prepares) {
    }

    private Sent callAsApisix(long token, String routeValue, HttpRequestSpec request) throws IOException {
        int prepares = 0;
        for (int attempt = 1; ; attempt++) {
            ReqCallResult result = apisix.call(token, request);
            if (result.action() != ReqCallResult.Action.ERROR || result.errorCode() != CONF_TOKEN_NOT_FOUND || attempt == APISIX_ATTEMPTS) {
                return new Sent(result, token, prepares);
            }
            token = prepare(routeValue);
            prepares++;
        }
    }

    private static HttpRequestSpec anonymous() {
        return HttpRequestSpec.get("/api").build();
    }

    @Test
    void aChangedRouteValueIsANewConfTokenAndTheNextRequestIsDecidedByIt() throws Exception {
        long resolveToken = prepare(route("resolve"));
        ReqCallResult before = apisix.call(resolveToken, anonymous());
        assertThat(before.action()).as("resolve mode: no credentials passes").isNotIn(ReqCallResult.Action.STOP, ReqCallResult.Action.ERROR);

        // The route now says enforce: APISIX's cache key (the route's version) changed, so it prepares again.
        long enforceToken = prepare(route("enforce"));
        assertThat(enforceToken).isNotEqualTo(resolveToken);
        ReqCallResult after = apisix.call(enforceToken, anonymous());
        assertThat(after.action()).isEqualTo(ReqCallResult.Action.STOP);
        assertThat(after.status()).isEqualTo(401);

        String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
        ReqCallResult withToken = apisix.call(enforceToken, HttpRequestSpec.get("/api").header("authorization", "Bearer " + token).build());
        assertThat(withToken.action()).isEqualTo(ReqCallResult.Action.REWRITE);
        assertThat(issuer.jwksFetches()).as("both values name one issuer: one key set, fetched once").isEqualTo(1);
    }

    @Test
    void anExpiredConfTokenIsPreparedAgainAsApisixDoesAndTheRouteValueStillApplies() throws Exception {
        String enforce = route("enforce");
        long token = prepare(enforce);
        assertThat(apisix.call(token, anonymous()).status()).isEqualTo(401);

        Thread.sleep(14_000); // past APISIX_CONF_EXPIRE_TIME=2 plus the runner's 10 s

        ReqCallResult stale = apisix.call(token, anonymous());
        assertThat(stale.action()).as("the runner has forgotten the conf").isEqualTo(ReqCallResult.Action.ERROR);
        assertThat(stale.errorCode()).isEqualTo(CONF_TOKEN_NOT_FOUND);

        Sent retried = callAsApisix(token, enforce, anonymous());
        assertThat(retried.prepares()).as("one new PrepareConf").isEqualTo(1);
        assertThat(retried.result().action()).isEqualTo(ReqCallResult.Action.STOP);
        assertThat(retried.result().status()).as("the route's value applies again").isEqualTo(401);
    }
}
