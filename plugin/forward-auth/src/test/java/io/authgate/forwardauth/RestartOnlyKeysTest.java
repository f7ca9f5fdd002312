package io.authgate.forwardauth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which changes a reload refuses (what is made once at start), and which it applies. */
class RestartOnlyKeysTest {
    private static final String BASE = "authgear_endpoint: https://myapp.authgear.cloud\n";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "listen|listen: 127.0.0.1:9195",
            "admin_listen|admin_listen: 127.0.0.1:9196",
            "event_loop_threads|event_loop_threads: 7",
            "max_connections|max_connections: 10",
            "max_connections_per_source|max_connections_per_source: 5",
            "gateway_sources|'max_connections_per_source: 5\ngateway_sources: [10.0.0.0/8]'",
            "request_head_timeout_ms|request_head_timeout_ms: 500",
            "max_pipelined_requests|max_pipelined_requests: 2",
            "envoy_path_prefix|envoy_path_prefix: /ext_authz",
            "gateway_cache_max_age_seconds|gateway_cache_max_age_seconds: 0",
            "log_format|log_format: json",
            "decision_log|decision_log: true",
            "webhook_listen|'revocation: {webhook_secret: 0123456789abcdefghijklmnopqrstuv}\nwebhook_listen: 127.0.0.1:9097'",
            "revocation|'revocation: {max_token_lifetime_seconds: 600}'",
            // The stream is followed from start to close: a reload that names another is refused.
            "revocation|'revocation: {redis: {uri: \"redis://127.0.0.1:6390\"}}'"})
    void aChangeToWhatIsMadeAtStartIsNamed(String key, String line) {
        AdapterConfig running = AdapterConfigTest.parse(BASE + (key.equals("gateway_sources") ? "max_connections_per_source: 5\n" : ""));
        AdapterConfig next = AdapterConfigTest.parse(BASE + line.replace("\\n", "\n") + "\n");
        assertThat(RestartOnlyKeys.firstChanged(running, next)).contains(key);
    }

    @Test
    void theDevelopmentIssuerIsNamed() {
        AdapterConfig running = AdapterConfigTest.parse(BASE);
        AdapterConfig next = AdapterConfigTest.parse("development_issuer: true\n");
        assertThat(RestartOnlyKeys.firstChanged(running, next)).contains("development_issuer");
    }

    @Test
    void rulesModesPoliciesAndTheIssuerMayChangeAndADefaultWrittenOutIsNoChange() {
        AdapterConfig running = AdapterConfigTest.parse(BASE);
        AdapterConfig next = AdapterConfigTest.parse("authgear_endpoint: https://other.authgear.cloud\nmode: enforce\n"
                + "listen: 127.0.0.1:9095\nmax_connections: 1024\n"
                + "rules:\n  - match: {path_prefix: /public}\n    mode: resolve\n");
        assertThat(RestartOnlyKeys.firstChanged(running, next)).isEmpty();
    }
}
