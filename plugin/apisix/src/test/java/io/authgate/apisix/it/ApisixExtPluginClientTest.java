package io.authgate.apisix.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTPReqCall headers the client sends are the ones APISIX sends: the 100-line limit, as APISIX has it. */
class ApisixExtPluginClientTest {

    @Test
    void onlyTheFirst100LinesAreSentHostIncludedEachRepeatedLineAsItsOwnEntry() {
        HttpRequestSpec.Builder request = HttpRequestSpec.get("/").header("Host", "client.example");
        for (int i = 0; i < 98; i++) {
            request.header(i % 2 == 0 ? "Accept" : "ACCEPT", "v" + i);
        }
        request.header("X_Last_Seen", "99th").header("X-Authgear-User-Id", "past the limit");

        List<NameValue> sent = ApisixExtPluginClient.headersAsApisixSendsThem(request.build());

        assertThat(sent).hasSize(ApisixExtPluginClient.MAX_REQUEST_HEADER_LINES);
        assertThat(sent).filteredOn(h -> h.name().equals("accept")).hasSize(98);
        assertThat(sent).contains(NameValue.of("host", HttpRequestSpec.DEFAULT_UPSTREAM_HOST),
                NameValue.of("x_last_seen", "99th"));
        assertThat(sent).extracting(NameValue::name).doesNotContain("x-authgear-user-id");
    }

    @Test
    void underTheLimitEveryLineIsSent() {
        HttpRequestSpec request = HttpRequestSpec.get("/").header("Host", "h").header("X-A", "1")
                .header("x-a", "2").build();

        assertThat(ApisixExtPluginClient.headersAsApisixSendsThem(request)).containsExactly(
                NameValue.of("host", HttpRequestSpec.DEFAULT_UPSTREAM_HOST), NameValue.of("x-a", "1"),
                NameValue.of("x-a", "2"));
    }
}
