package io.authgate.core;

import io.authgate.core.config.ConfigException;
import io.authgate.core.headers.Header;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DenialsTest {

    @Test
    void anInvalidConfigurationIsA500NamingKeyAndReason() {
        Decision.Deny deny = Denials.invalidConfig(new ConfigException("jwks.ttl_seconds", "must be a whole number from 1 to 604800"));

        assertThat(deny.status()).isEqualTo(500);
        assertThat(deny.headers()).containsExactly(new Header("content-type", "text/plain; charset=utf-8"));
        assertThat(deny.body()).isEqualTo("authgate: invalid configuration: jwks.ttl_seconds: must be a whole number from 1 to 604800\n");
    }

    @Test
    void theInvalidConfigMessageIsOneLine() {
        assertThat(Denials.invalidConfigMessage(new ConfigException("mode", "\"x\" is not a known mode (known: resolve)")))
                .isEqualTo("authgate: invalid configuration: mode: \"x\" is not a known mode (known: resolve)")
                .doesNotContain("\n");
    }

    @Test
    void theInternalErrorIsAJsonDenial() {
        assertThat(Denials.INTERNAL_ERROR.status()).isEqualTo(500);
        assertThat(Denials.INTERNAL_ERROR.headers()).containsExactly(new Header("content-type", "application/json"));
        assertThat(Denials.INTERNAL_ERROR.body()).startsWith("{\"error\":\"server_error\"");
    }

    @Test
    void noSessionCarriesNoHeaders() {
        assertThat(Decision.Allow.NO_SESSION.headers().isEmpty()).isTrue();
    }
}
