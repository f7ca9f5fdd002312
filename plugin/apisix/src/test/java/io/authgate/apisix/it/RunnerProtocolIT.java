package io.authgate.apisix.it;

import io.github.api7.A6.Err.Code;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves {@link ApisixExtPluginClient} against the real runner with no filter of ours loaded, so a failure here
 * is the harness's fault, not the plugin's.
 */
class RunnerProtocolIT {

    /** The runner issues tokens from {@code nextInt(Integer.MAX_VALUE)}, so this one can never exist. */
    private static final long NEVER_ISSUED_TOKEN = 0xFFFF_FFFFL;

    private static RunnerProcess runner;
    private static ApisixExtPluginClient client;

    @BeforeAll
    static void startRunner() throws IOException {
        runner = RunnerProcess.startWithoutPlugin(RunnerProcess.runnerJar());
        client = new ApisixExtPluginClient(runner.socket());
    }

    @AfterAll
    static void stopRunner() {
        if (client != null) {
            client.close();
        }
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    void unknownFilterLeavesTheRequestAlone() throws IOException {
        long token = client.prepareConf("route-1#conf-1#ext-plugin-pre-req",
                List.of(Map.entry("NoSuchFilter", "{}")));
        HttpRequestSpec request = HttpRequestSpec.get("/protected/resource")
                .queryArg("page", "2")
                .queryArg("flag", null)
                .header("Host", "client.example")
                .header("Accept", "application/json")
                .header("X-Repeated", "first")
                .header("x-repeated", "second")
                .header("X_Underscore", "kept")
                .build();

        ReqCallResult first = client.call(token, request);
        // the same kept-alive connection must serve a second call
        ReqCallResult second = client.call(token, request);

        for (ReqCallResult result : List.of(first, second)) {
            assertThat(result.action()).as(runner.log()).isEqualTo(ReqCallResult.Action.NONE);
            assertThat(result.responseId()).isEqualTo(result.requestId());
        }
        assertThat(second.requestId()).isGreaterThan(first.requestId());
        assertThat(UpstreamRequest.of(request, first)).hasValueSatisfying(upstream -> {
            assertThat(upstream.byLowerName())
                    .containsEntry("host", List.of("upstream.test"))
                    .containsEntry("x-repeated", List.of("first", "second"))
                    .containsEntry("x_underscore", List.of("kept"));
            assertThat(upstream.path()).isEqualTo("/protected/resource");
        });
    }

    @Test
    void unknownConfTokenIsConfTokenNotFound() throws IOException {
        ReqCallResult result = client.call(NEVER_ISSUED_TOKEN, HttpRequestSpec.get("/").header("Host", "h").build());

        assertThat(result.action()).isEqualTo(ReqCallResult.Action.ERROR);
        assertThat(result.errorCode()).isEqualTo(Code.CONF_TOKEN_NOT_FOUND);
        assertThat(UpstreamRequest.of(HttpRequestSpec.get("/").build(), result)).isEmpty();
    }
}
