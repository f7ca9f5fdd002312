package io.authgate.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Loopback is decided from the literal host: 127.0.0.0/8, localhost, [::1]; never by DNS. */
class LoopbackHostsTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.0", "127.255.255.255", "127.1.2.3", "localhost",
            "LocalHost", "[::1]", "::1"})
    void loopbackHosts(String host) {
        assertThat(LoopbackHosts.isLoopback(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"128.0.0.1", "126.255.255.255", "10.0.0.1", "0.0.0.0", "127.0.0.256", "127.0.0.1000", "127.0.0",
            "127.0.0.1.5", "127..0.1", "127.0.0.", "127.0.0.-1", "127.0.0.+1", "127.0.0.1 ", "localhost.", "localhost.example.com",
            "mylocalhost", "[::2]", "[::ffff:127.0.0.1]", "::", "", "127.0.0.x"})
    void otherHosts(String host) {
        assertThat(LoopbackHosts.isLoopback(host)).isFalse();
    }

    @Test
    void noHostIsNotLoopback() {
        assertThat(LoopbackHosts.isLoopback(null)).isFalse();
    }
}
