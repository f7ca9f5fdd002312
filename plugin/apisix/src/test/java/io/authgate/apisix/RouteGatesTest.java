package io.authgate.apisix;

import io.authgate.core.Authgate;
import io.authgate.core.AuthgateEvents;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route values are kept by their text, so the text is bounded: APISIX's admin can write a route value
 * of megabytes, and each distinct one would be held for good (a 4 MB value was, measured through the
 * runner; a hundred of them fill the README's heap).
 */
class RouteGatesTest {
    private static final String ENDPOINT = "{\"authgear_endpoint\":\"https://myapp.authgear.cloud\"";

    @Test
    void aValueOverSixtyFourKibibytesIsRefusedUnparsed() {
        RouteGates gates = new RouteGates(Authgate.create(AuthgateEvents.NONE));
        // Valid JSON, so only its size can refuse it.
        String value = ENDPOINT + ",\"_padding\":\"" + "x".repeat(RouteValueCache.MAX_VALUE_CHARS) + "\"}";

        RouteGate gate = gates.forValue(value);

        assertThat(gate).isInstanceOf(RouteGate.Misconfigured.class);
        assertThat(((RouteGate.Misconfigured) gate).error().reason()).contains("larger than 64 KiB");
    }

    @Test
    void anOrdinaryValueIsRead() {
        RouteGates gates = new RouteGates(Authgate.create(AuthgateEvents.NONE));
        String value = ENDPOINT + ",\"mode\":\"resolve\"}";

        assertThat(gates.forValue(value)).isInstanceOf(RouteGate.Configured.class);
    }
}
