package io.authgate.core.revocation.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigSection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The {@code redis:} section: every bad value fails naming its key and why; the password is never shown. */
class RedisSettingsParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RedisSettings parse(String json) throws Exception {
        return RedisSettingsParser.parse(ConfigSection.at("redis", JSON.readTree(json), "must be an object"), Duration.ofMinutes(30));
    }

    private static ConfigException rejection(String json) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(json));
        assertThat(e).as("a ConfigException for %s", json).isNotNull();
        return e;
    }

    @Test
    void onlyTheUriIsNeeded() throws Exception {
        RedisSettings s = parse("{\"uri\":\"redis://redis.internal\"}");

        assertThat(s.uri()).isEqualTo(new RedisUri("redis.internal", 6379, Optional.empty(), Optional.empty(), 0, false));
        assertThat(s.stream()).isEqualTo("authgate:revocations");
        assertThat(s.retention()).as("the caller's: the watermarks' expiry").isEqualTo(Duration.ofMinutes(30));
        assertThat(s.readBlock()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.readCount()).isEqualTo(64);
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.maxReplyBytes()).isEqualTo(8 << 20);
        assertThat(s.maxEventBytes()).isEqualTo((8 << 20) / 64 - 128);
        assertThat(s.reconnectMax()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.publishDeadline()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        RedisSettings s = parse("{\"uri\":\"rediss://app:p%40ss@redis.internal:6380/3\",\"stream\":\"prod:revocations\","
                + "\"retention_seconds\":7200,\"read_block_ms\":1000,\"read_count\":10,\"connect_timeout_ms\":300,"
                + "\"command_timeout_ms\":400,\"max_reply_bytes\":1048576,\"reconnect_max_ms\":2000}");

        assertThat(s.uri()).isEqualTo(new RedisUri("redis.internal", 6380, Optional.of("app"), Optional.of("p@ss"), 3, true));
        assertThat(s.stream()).isEqualTo("prod:revocations");
        assertThat(s.retention()).isEqualTo(Duration.ofHours(2));
        assertThat(s.readBlock()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.readCount()).isEqualTo(10);
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofMillis(400));
        assertThat(s.maxReplyBytes()).isEqualTo(1 << 20);
        assertThat(s.reconnectMax()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aPasswordAloneIsRequirepassAndIsNeverShown() throws Exception {
        RedisSettings s = parse("{\"uri\":\"redis://:hunter2@10.0.0.5:6379/0\"}");

        assertThat(s.uri().user()).isEmpty();
        assertThat(s.uri().password()).contains("hunter2");
        assertThat(s.uri()).hasToString("redis://:***@10.0.0.5:6379/0");
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThat(RedisUri.parse("redis://hunter2@h", "k").password()).as("redis-cli's spelling").contains("hunter2");
        assertThat(RedisUri.parse("redis://app:hunter2@h", "k").toString()).isEqualTo("redis://app:***@h:6379/0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                              | redis.uri               | is required",
            "{\"uri\":6379}                                  | redis.uri               | must be a string",
            "{\"uri\":\"http://redis:6379\"}                 | redis.uri               | must start with redis:// or rediss://",
            "{\"uri\":\"redis-sentinel://h\"}                | redis.uri               | Sentinel",
            "{\"uri\":\"redis://:pw@\"}                      | redis.uri               | must name a host",
            "{\"uri\":\"redis://h:6379/0?timeout=1\"}        | redis.uri               | must not carry a query",
            "{\"uri\":\"redis://h:6379/zero\"}               | redis.uri               | must be a database number",
            "{\"uri\":\"redis://h:6379/99999\"}              | redis.uri               | must be a database number",
            "{\"uri\":\"redis://h\",\"strem\":\"s\"}         | redis.strem             | did you mean stream?",
            "{\"uri\":\"redis://h\",\"stream\":\"\"}         | redis.stream            | non-empty",
            "{\"uri\":\"redis://h\",\"retention_seconds\":0} | redis.retention_seconds | from 1 to 604800",
            "{\"uri\":\"redis://h\",\"read_block_ms\":0}     | redis.read_block_ms     | from 1 to 60000",
            "{\"uri\":\"redis://h\",\"read_count\":0}        | redis.read_count        | from 1 to 10000",
            "{\"uri\":\"redis://h\",\"max_reply_bytes\":1000} | redis.max_reply_bytes  | from 65536",
            "{\"uri\":\"redis://h\",\"read_count\":10000}    | redis.max_reply_bytes   | at least 1 KiB per event",
            "{\"uri\":\"redis://h\",\"command_timeout_ms\":\"2s\"} | redis.command_timeout_ms | whole number",
    })
    void aBadValueNamesItsKeyAndWhy(String json, String key, String reason) {
        ConfigException e = rejection(json);
        assertThat(e.key()).isEqualTo(key);
        assertThat(e.reason()).contains(reason);
    }

    @Test
    void aBadUriNeverEchoesThePassword() {
        ConfigException e = rejection("{\"uri\":\"redis://:hunter2@h:6379/0?x=1\"}");
        assertThat(e.getMessage()).doesNotContain("hunter2");
        e = rejection("{\"uri\":\"redis://:hunter2@h:6379/oops\"}");
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }
}
