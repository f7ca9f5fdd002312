package io.authgate.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The {@code resolver} and {@code live} keys: Authgear's own resolver, for what is not resolved in-process. */
class ResolverConfigTest {
    private static final String ENDPOINT = "https://auth.example.com";

    private static AuthgateConfig parseWith(String members) {
        return ConfigParser.parseJson("{\"authgear_endpoint\":\"" + ENDPOINT + "\"" + (members.isEmpty() ? "" : "," + members) + "}");
    }

    private static ConfigException rejectionWith(String members) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parseWith(members));
        assertThat(e).as("a ConfigException for %s", members).isNotNull();
        return e;
    }

    @Test
    void absentMeansOnWithTheIssuesDefaults() {
        AuthgateConfig c = parseWith("");
        ResolverSettings r = c.resolver().orElseThrow();
        assertThat(r.url()).isEqualTo(URI.create(ENDPOINT + "/_resolver/resolve"));
        assertThat(r.authgearHost()).isEqualTo("auth.example.com");
        assertThat(r.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(r.cacheTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(r.negativeCacheTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(r.cacheMaxBytes()).isEqualTo(MemoryBudgets.resolverCacheDefault(MemoryBudgets.maxHeap()));
        assertThat(r.maxConcurrentCalls()).isEqualTo(256);
        assertThat(r.maxQueuedCalls()).isEqualTo(1024);
        assertThat(r.onError()).isEqualTo(OnError.DENY);
        assertThat(r.needsHostOverride()).isFalse();
        assertThat(c.live()).isFalse();
    }

    @Test
    void trueIsTheDefaultsAndFalseTurnsItOff() {
        assertThat(parseWith("\"resolver\": true").resolver()).isEqualTo(parseWith("").resolver());
        assertThat(parseWith("\"resolver\": false").resolver()).isEmpty();
    }

    @Test
    void everyKeyIsRead() {
        ResolverSettings r = parseWith("""
                "resolver": {"url": "https://authgear.internal:3001/_resolver/resolve", "timeout_ms": 250,
                  "cache_ttl_seconds": 10, "negative_cache_ttl_seconds": 2, "cache_max_bytes": "4MiB", "max_concurrent_calls": 8,
                  "max_queued_calls": 16, "on_error": "no_session"}
                """).resolver().orElseThrow();
        assertThat(r).isEqualTo(new ResolverSettings(URI.create("https://authgear.internal:3001/_resolver/resolve"),
                "auth.example.com", Duration.ofMillis(250), Duration.ofSeconds(10), Duration.ofSeconds(2), 4L << 20, 8, 16,
                OnError.NO_SESSION));
        assertThat(r.needsHostOverride()).as("another origin: Host must name Authgear's").isTrue();
    }

    @Test
    void theAuthgearHostKeepsANonDefaultPort() {
        AuthgateConfig c = ConfigParser.parseJson("{\"authgear_endpoint\":\"http://127.0.0.1:8081\"}");
        assertThat(c.resolver().orElseThrow().authgearHost()).isEqualTo("127.0.0.1:8081");
        assertThat(c.resolver().orElseThrow().url()).isEqualTo(URI.create("http://127.0.0.1:8081/_resolver/resolve"));
    }

    @Test
    void zeroTtlsMeanNotCached() {
        ResolverSettings r = parseWith("\"resolver\": {\"cache_ttl_seconds\": 0, \"negative_cache_ttl_seconds\": 0}").resolver().orElseThrow();
        assertThat(r.cacheTtl()).isZero();
        assertThat(r.negativeCacheTtl()).isZero();
    }

    @Test
    void liveIsReadAndNeedsTheResolver() {
        assertThat(parseWith("\"live\": true").live()).isTrue();
        assertThat(parseWith("\"live\": false, \"resolver\": false").live()).isFalse();
        ConfigException e = rejectionWith("\"live\": true, \"resolver\": false");
        assertThat(e.key()).isEqualTo("live");
        assertThat(e.reason()).contains("resolver");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"live\": \"yes\"", "\"live\": 1", "\"live\": null"})
    void liveMustBeABoolean(String members) {
        assertThat(rejectionWith(members).key()).isEqualTo("live");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"resolver\": \"https://x\"", "\"resolver\": 1", "\"resolver\": []", "\"resolver\": null"})
    void resolverMustBeAnObjectOrABoolean(String members) {
        ConfigException e = rejectionWith(members);
        assertThat(e.key()).isEqualTo("resolver");
        assertThat(e.reason()).contains("false");
    }

    @Test
    void unknownResolverKeysAreRejectedByFullName() {
        ConfigException e = rejectionWith("\"resolver\": {\"timeout\": 5}");
        assertThat(e.key()).isEqualTo("resolver.timeout");
        assertThat(e.reason()).contains("timeout_ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://authgear.example.com/_resolver/resolve", "ftp://x/y", "/_resolver/resolve",
            "https://user:pw@x/_resolver/resolve", "https://x/_resolver/resolve?tenant=a", "https://x/r#f"})
    void theUrlMustBeFetchable(String url) {
        ConfigException e = rejectionWith("\"resolver\": {\"url\": \"" + url + "\"}");
        assertThat(e.key()).isEqualTo("resolver.url");
    }

    @Test
    void plainHttpIsAllowedOnLoopback() {
        assertThat(parseWith("\"resolver\": {\"url\": \"http://127.0.0.1:3001/_resolver/resolve\"}").resolver().orElseThrow().url())
                .isEqualTo(URI.create("http://127.0.0.1:3001/_resolver/resolve"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"timeout_ms\": 0", "\"timeout_ms\": 60001", "\"timeout_ms\": 1.5", "\"timeout_ms\": \"500\"",
            "\"cache_ttl_seconds\": -1", "\"cache_ttl_seconds\": 86401", "\"negative_cache_ttl_seconds\": 3601",
            "\"max_entries\": 0", "\"max_concurrent_calls\": 0", "\"max_concurrent_calls\": 100001",
            "\"max_queued_calls\": -1", "\"max_queued_calls\": 100001"})
    void numbersOutOfRangeNameTheirKey(String member) {
        ConfigException e = rejectionWith("\"resolver\": {" + member + "}");
        String key = member.substring(1, member.indexOf('"', 1));
        assertThat(e.key()).isEqualTo("resolver." + key);
        assertThat(e.reason()).startsWith("must be a whole number from");
    }

    @Test
    void onErrorMustBeKnown() {
        ConfigException e = rejectionWith("\"resolver\": {\"on_error\": \"allow\"}");
        assertThat(e.key()).isEqualTo("resolver.on_error");
        assertThat(e.reason()).contains("deny").contains("no_session");
    }
}
