package io.authgate.forwardauth;

import io.authgate.core.TokenRejection;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The metric labels are ASCII whatever the JVM's locale: a Turkish default lower-cases I to a dotless ı. */
class MetricsLocaleTest {
    @Test
    void labelsAreTheSameInATurkishLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            String text = new Metrics().render();
            assertThat(text).doesNotContain("ı");
            Arrays.stream(TokenRejection.values()).forEach(r -> assertThat(text)
                    .contains("authgate_token_rejections_total{reason=\"" + r.name().toLowerCase(Locale.ROOT) + "\"}"));
        } finally {
            Locale.setDefault(saved);
        }
    }
}
