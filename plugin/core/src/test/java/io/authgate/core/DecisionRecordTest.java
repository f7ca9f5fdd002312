package io.authgate.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision log's line. The path is the client's (through every gateway's forwarded headers), and
 * links that carry a token in the path (a magic link, a reset link: {@code /reset/eyJ...}) would put
 * it in the log: a JWT-shaped run of characters is written as {@code [jwt]}.
 */
class DecisionRecordTest {
    private static final String JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLWJ5dGVz";

    private static JsonNode line(String path) throws Exception {
        DecisionRecord r = new DecisionRecord(Instant.EPOCH, Optional.of("GET"), Optional.of("app.example.com"), Optional.of(path),
                200, "session", Optional.empty(), Optional.of("default"), Optional.of("u1"), 42_000);
        return new ObjectMapper().readTree(r.json());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/reset/" + JWT + "|/reset/[jwt]",
            "/reset/" + JWT + "/confirm|/reset/[jwt]/confirm",
            "/login;token=" + JWT + "|/login;token=[jwt]",
            "/a/" + JWT + "/b/" + JWT + "|/a/[jwt]/b/[jwt]",
            // A JWE (five parts) and an unsigned token (an empty third part) too.
            "/x/" + JWT + ".cGFydDQ.cGFydDU|/x/[jwt]",
            "/x/eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1MSJ9.|/x/[jwt]",
    })
    void aTokenInThePathIsNotLogged(String path, String logged) throws Exception {
        JsonNode line = line(path);
        assertThat(line.get("path").textValue()).isEqualTo(logged);
        assertThat(line.toString()).doesNotContain("c2lnbmF0dXJlLWJ5dGVz").doesNotContain("eyJzdWIiOiJ1MSJ9");
    }

    @ParameterizedTest
    @CsvSource({"/api/orders/7", "/eyJ", "/files/eyJ.txt", "/v1.2.3/eyJx.y", "/"})
    void pathsWithoutATokenAreLoggedAsTheyAre(String path) throws Exception {
        assertThat(line(path).get("path").textValue()).isEqualTo(path);
    }

    @Test
    void theOtherFieldsAreWrittenAsGiven() throws Exception {
        JsonNode line = line("/api");
        assertThat(line.get("event").textValue()).isEqualTo("decision");
        assertThat(line.get("method").textValue()).isEqualTo("GET");
        assertThat(line.get("host").textValue()).isEqualTo("app.example.com");
        assertThat(line.get("status").intValue()).isEqualTo(200);
        assertThat(line.get("user_id").textValue()).isEqualTo("u1");
        assertThat(line.get("latency_ms").doubleValue()).isEqualTo(0.042);
    }
}
