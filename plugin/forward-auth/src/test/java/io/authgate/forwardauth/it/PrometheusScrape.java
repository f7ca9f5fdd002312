package io.authgate.forwardauth.it;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the adapter's {@code /metrics} (Prometheus text) into series → value, and compares two readings. */
final class PrometheusScrape {
    private PrometheusScrape() {
    }

    /** Every sample on the admin port, keyed by its series (name with labels, as written). */
    static Map<String, Double> scrape(int adminPort) throws IOException {
        RawHttp.Response r = RawHttp.exchange(adminPort, RawHttp.get("/metrics", adminPort));
        assertThat(r.status()).isEqualTo(200);
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : r.bodyText().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    /** How much a series grew between two readings; it must exist in the later one. */
    static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        assertThat(after).as("series %s", series).containsKey(series);
        return after.get(series) - before.getOrDefault(series, 0.0);
    }
}
