package io.authgate.core.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The caches' budgets, in bytes: {@code token_cache_max_bytes} and {@code resolver.cache_max_bytes},
 * their defaults from the JVM's max heap, the count-based keys they replace, and the bound that keeps
 * them within half the heap.
 */
class CacheBudgetConfigTest {
    private static final long MIB = 1L << 20;
    private static final long HEAP_256M = 256 * MIB;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AuthgateConfig parse(String members, long maxHeap) {
        try {
            return ConfigParser.parse(JSON.readTree("{\"authgear_endpoint\":\"https://auth.example.com\""
                    + (members.isEmpty() ? "" : "," + members) + "}"), maxHeap);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ConfigException rejection(String members, long maxHeap) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(members, maxHeap));
        assertThat(e).as("a ConfigException for %s", members).isNotNull();
        return e;
    }

    @Test
    void atTheRecommendedHeapTheDefaultsAre64And32MiB() {
        AuthgateConfig c = parse("", HEAP_256M);
        assertThat(c.tokenCacheMaxBytes()).isEqualTo(64 * MIB);
        assertThat(c.resolver().orElseThrow().cacheMaxBytes()).isEqualTo(32 * MIB);
    }

    @ParameterizedTest
    @CsvSource({"64, 16, 8", "96, 24, 12", "128, 32, 16", "1024, 64, 32", "16384, 64, 32"})
    void theDefaultsAreAQuarterAndAnEighthOfTheHeapAtMost64And32MiB(long heapMib, long tokensMib, long resolverMib) {
        AuthgateConfig c = parse("", heapMib * MIB);
        assertThat(c.tokenCacheMaxBytes()).isEqualTo(tokensMib * MIB);
        assertThat(c.resolver().orElseThrow().cacheMaxBytes()).isEqualTo(resolverMib * MIB);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "65536, 65536", "'\"64KiB\"', 65536", "'\"8MiB\"', 8388608", "'\"8 MiB\"', 8388608",
            "'\"100000000B\"', 100000000", "'\"64GiB\"', 68719476736"})
    void budgetsAreBytesOrAUnit(String value, long bytes) {
        long heap = 1L << 40;
        assertThat(parse("\"token_cache_max_bytes\":" + value, heap).tokenCacheMaxBytes()).isEqualTo(bytes);
        if (bytes != 0) {
            assertThat(parse("\"resolver\":{\"cache_max_bytes\":" + value + "}", heap).resolver().orElseThrow().cacheMaxBytes()).isEqualTo(bytes);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1000", "65535", "\"64 MB\"", "\"64mib\"", "\"lots\"", "2.5", "true", "\"65GiB\"",
            "\"99999999999999GiB\""})
    void anythingElseIsRefusedNamingTheKey(String value) {
        ConfigException e = rejection("\"token_cache_max_bytes\":" + value, 1L << 40);
        assertThat(e.key()).isEqualTo("token_cache_max_bytes");
        assertThat(e.reason()).isEqualTo("must be 0 (no cache) or from 64 KiB to 64 GiB: a whole number of bytes,"
                + " or one with a unit (KiB, MiB, GiB) such as \"64MiB\"");
    }

    @Test
    void theResolverCacheCannotBeTurnedOffByItsBudget() {
        ConfigException e = rejection("\"resolver\":{\"cache_max_bytes\":0}", HEAP_256M);
        assertThat(e.key()).isEqualTo("resolver.cache_max_bytes");
        assertThat(e.reason()).startsWith("must be from 64 KiB");
    }

    @Test
    void budgetsBeyondHalfTheHeapAreRefusedAtStartWithTheFigures() {
        ConfigException e = rejection("\"token_cache_max_bytes\":\"120MiB\"", HEAP_256M);
        assertThat(e.key()).isEqualTo("token_cache_max_bytes");
        assertThat(e.reason()).isEqualTo("the verified-token cache (120.0 MiB) and the resolver cache (32.0 MiB) may take"
                + " at most half of this JVM's max heap (256.0 MiB): lower them, or give the JVM more heap (-Xmx)");
        assertThat(rejection("\"resolver\":{\"cache_max_bytes\":\"100MiB\"}", HEAP_256M).key()).isEqualTo("resolver.cache_max_bytes");
        assertThat(parse("\"token_cache_max_bytes\":\"96MiB\"", HEAP_256M).tokenCacheMaxBytes()).as("exactly half").isEqualTo(96 * MIB);
        assertThat(parse("\"token_cache_max_bytes\":\"120MiB\",\"resolver\":false", HEAP_256M).tokenCacheMaxBytes())
                .as("no resolver cache").isEqualTo(120 * MIB);
    }

    @Test
    void theOldCountKeysStillBoundTheCachesReadAsOrdinaryEntriesNeverAboveTheDefault() {
        assertThat(parse("\"token_cache_max_entries\":1000", HEAP_256M).tokenCacheMaxBytes()).isEqualTo(1000 * 2048L);
        assertThat(parse("\"token_cache_max_entries\":0", HEAP_256M).tokenCacheMaxBytes()).as("0 still turns it off").isZero();
        assertThat(parse("\"token_cache_max_entries\":100000", HEAP_256M).tokenCacheMaxBytes())
                .as("the old default, set explicitly: the heap's default").isEqualTo(64 * MIB);
        assertThat(parse("\"resolver\":{\"max_entries\":500}", HEAP_256M).resolver().orElseThrow().cacheMaxBytes()).isEqualTo(500 * 1024L);
        assertThat(parse("\"resolver\":{\"max_entries\":100000}", HEAP_256M).resolver().orElseThrow().cacheMaxBytes()).isEqualTo(32 * MIB);
    }

    @Test
    void settingBothFormsOfOneBudgetIsAnError() {
        ConfigException e = rejection("\"token_cache_max_entries\":10,\"token_cache_max_bytes\":\"1MiB\"", HEAP_256M);
        assertThat(e.key()).isEqualTo("token_cache_max_entries");
        assertThat(e.reason()).isEqualTo("is the older, count-based form of token_cache_max_bytes: set only token_cache_max_bytes");
        ConfigException r = rejection("\"resolver\":{\"max_entries\":10,\"cache_max_bytes\":\"1MiB\"}", HEAP_256M);
        assertThat(r.key()).isEqualTo("resolver.max_entries");
        assertThat(r.reason()).isEqualTo("is the older, count-based form of resolver.cache_max_bytes: set only resolver.cache_max_bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "10000001", "\"100\"", "2.5"})
    void theOldCountKeyStillTakesOnlyWholeNumbers(String value) {
        ConfigException e = rejection("\"token_cache_max_entries\":" + value, HEAP_256M);
        assertThat(e.key()).isEqualTo("token_cache_max_entries");
        assertThat(e.reason()).isEqualTo("must be a whole number from 0 to 10000000");
    }

    @Test
    void theQueueBoundIsReadAndZeroMeansNoQueue() {
        assertThat(parse("", HEAP_256M).resolver().orElseThrow().maxQueuedCalls()).isEqualTo(1024);
        assertThat(parse("\"resolver\":{\"max_queued_calls\":0}", HEAP_256M).resolver().orElseThrow().maxQueuedCalls()).isZero();
        assertThat(parse("\"resolver\":{\"max_queued_calls\":100000}", HEAP_256M).resolver().orElseThrow().maxQueuedCalls()).isEqualTo(100_000);
    }
}
