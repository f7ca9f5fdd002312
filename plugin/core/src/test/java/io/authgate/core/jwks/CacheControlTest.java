package io.authgate.core.jwks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The JWKS lifetime a Cache-Control header gives. */
class CacheControlTest {

    @Test
    void maxAgeIsTheLifetime() {
        assertThat(CacheControl.maxAge("max-age=300")).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void maxAgeAmongOtherDirectivesIsFound() {
        assertThat(CacheControl.maxAge("public, max-age=60, must-revalidate")).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void directivesAreCaseInsensitive() {
        assertThat(CacheControl.maxAge("Public, MAX-AGE=60")).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aQuotedMaxAgeIsRead() {
        assertThat(CacheControl.maxAge("max-age=\"90\"")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void maxAgeZeroIsZero() {
        assertThat(CacheControl.maxAge("max-age=0")).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-store", "no-cache", "NO-STORE", "private, no-cache", "max-age=600, no-store",
            "no-cache, max-age=600"})
    void noStoreOrNoCacheIsZero(String header) {
        assertThat(CacheControl.maxAge(header)).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"max-age=abc", "max-age=", "max-age=1.5", "max-age=-5", "max-age=0x10"})
    void anInvalidMaxAgeIsZero(String header) {
        assertThat(CacheControl.maxAge(header)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aMaxAgeTooLargeToRepresentIsTwoToThe31Seconds() {
        // RFC 9111 §1.2.2: an overflowing delta-seconds counts as 2^31 seconds, not as "stale now".
        assertThat(CacheControl.maxAge("max-age=99999999999999999999999")).isEqualTo(Duration.ofSeconds(1L << 31));
    }

    @Test
    void aLargeButRepresentableMaxAgeIsKeptAsIs() {
        assertThat(CacheControl.maxAge("max-age=9223372036854775807")).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "public", "must-revalidate, private", "s-maxage=600", "max-age 60", "stale-if-error=60"})
    void aHeaderWithoutMaxAgeSaysNothing(String header) {
        assertThat(CacheControl.maxAge(header)).isNull();
    }

    @Test
    void anAbsentHeaderSaysNothing() {
        assertThat(CacheControl.maxAge(null)).isNull();
    }

    @Test
    void theLastMaxAgeWins() {
        assertThat(CacheControl.maxAge("max-age=10, max-age=20")).isEqualTo(Duration.ofSeconds(20));
    }
}
