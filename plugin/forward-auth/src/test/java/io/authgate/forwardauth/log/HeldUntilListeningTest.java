package io.authgate.forwardauth.log;

import io.authgate.core.StateChange;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A port in use must be the one line an operator reads: nothing the keys said while starting comes before it. */
class HeldUntilListeningTest {
    private static StateChange loaded(String kid) {
        return new StateChange.KeysLoaded(URI.create("https://project.authgear.cloud/oauth2/jwks"), List.of(kid), 0);
    }

    @Test
    void whatTheKeysSayWhileStartingWaitsUntilTheAdapterListens() {
        List<StateChange> said = new ArrayList<>();
        HeldUntilListening held = new HeldUntilListening(said::add);
        held.accept(loaded("a"));
        held.accept(loaded("b"));
        assertThat(said).isEmpty();

        held.release();
        assertThat(said).containsExactly(loaded("a"), loaded("b"));
        held.accept(loaded("c"));
        assertThat(said).containsExactly(loaded("a"), loaded("b"), loaded("c"));
    }

    @Test
    void anAdapterThatNeverListensSaysNothingAndHoldsABoundedNumber() {
        List<StateChange> said = new ArrayList<>();
        HeldUntilListening held = new HeldUntilListening(said::add);
        for (int i = 0; i < HeldUntilListening.MAX_HELD + 10; i++) {
            held.accept(loaded("k" + i));
        }
        assertThat(said).isEmpty();
        held.release();
        assertThat(said).hasSize(HeldUntilListening.MAX_HELD);
    }
}
