package io.authgate.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class AtMostOncePerTest {
    @Test
    void theFirstAskIsYesAndTheNextWithinThePeriodNo() {
        AtMostOncePer limit = new AtMostOncePer(Duration.ofMinutes(1));
        assertThat(limit.now()).isTrue();
        assertThat(limit.now()).isFalse();
        assertThat(limit.now()).isFalse();
    }

    @Test
    void afterThePeriodYesAgain() throws InterruptedException {
        AtMostOncePer limit = new AtMostOncePer(Duration.ofMillis(20));
        assertThat(limit.now()).isTrue();
        Thread.sleep(40);
        assertThat(limit.now()).isTrue();
    }
}
