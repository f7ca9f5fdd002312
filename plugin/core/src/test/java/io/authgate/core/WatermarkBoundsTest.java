package io.authgate.core;

import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigParser;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounds of a project's watermarks from several of its configurations, in every order. */
class WatermarkBoundsTest {
    private static AuthgateConfig config(String rest) {
        return ConfigParser.parseJson("{\"authgear_endpoint\":\"https://p.example\"" + rest + "}");
    }

    private static final AuthgateConfig PLAIN = config("");
    private static final AuthgateConfig SECRET_ONLY = config(",\"revocation\":{\"webhook_secret\":\"0123456789abcdefghijklmnopqrstuv\"}");
    private static final AuthgateConfig SHORT = config(",\"revocation\":{\"max_token_lifetime_seconds\":600,\"max_entries\":10}");
    private static final AuthgateConfig LONG = config(",\"revocation\":{\"max_token_lifetime_seconds\":86400,\"max_entries\":5}");
    private static final AuthgateConfig SKEWED = config(",\"clock_skew_seconds\":300");

    private static WatermarkBounds of(List<AuthgateConfig> configs) {
        return configs.stream().map(WatermarkBounds::of).reduce(WatermarkBounds::with).orElseThrow();
    }

    @Test
    void aConfigurationAloneKeepsItsLifetimePlusItsSkewPlusASecond() {
        assertThat(WatermarkBounds.of(PLAIN).keep()).isEqualTo(Duration.ofSeconds(3601));
        assertThat(WatermarkBounds.of(PLAIN).cap()).isEqualTo(100_000);
        assertThat(WatermarkBounds.of(SKEWED).keep()).isEqualTo(Duration.ofSeconds(3600 + 300 + 1));
        assertThat(WatermarkBounds.of(SHORT).keep()).isEqualTo(Duration.ofSeconds(601));
    }

    @Test
    void unstatedValuesDecideNothingWhenAnotherConfigurationStatesThem() {
        for (List<AuthgateConfig> order : List.of(List.of(PLAIN, SECRET_ONLY, SHORT), List.of(SHORT, SECRET_ONLY, PLAIN))) {
            WatermarkBounds b = of(order);
            assertThat(b.keep()).as("%s", order).isEqualTo(Duration.ofSeconds(601));
            assertThat(b.cap()).isEqualTo(10);
        }
    }

    @Test
    void statedValuesTakeTheLongerLifetimeAndTheLargerCapAndTheLargestSkewInAnyOrder() {
        for (List<AuthgateConfig> order : List.of(List.of(SHORT, LONG, SKEWED), List.of(SKEWED, LONG, SHORT), List.of(LONG, SHORT, SKEWED))) {
            WatermarkBounds b = of(order);
            assertThat(b.keep()).as("%s", order).isEqualTo(Duration.ofSeconds(86_400 + 300 + 1));
            assertThat(b.cap()).isEqualTo(10);
        }
    }
}
