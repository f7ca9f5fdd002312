package io.authgate.testkit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request as it reached the {@link ResolverStandIn}, so tests can check exactly what a client
 * forwarded to Authgear.
 *
 * @param path    the request path, without the query
 * @param headers every request header: names lower-cased, every value in the order it arrived. The
 *                JDK server keeps the order of the values of one name but not the order between
 *                names, so the names are sorted.
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> headers) {

    public RecordedRequest {
        Map<String, List<String>> copy = new TreeMap<>();
        headers.forEach((name, values) -> copy.merge(name.toLowerCase(Locale.ROOT), List.copyOf(values),
                (a, b) -> concat(a, b)));
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(copy));
    }

    /** The first value of a header (any case), or {@code null}. */
    public String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Every value of a header (any case), in order; empty when absent. */
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** Whether any {@code Authorization} or {@code Cookie} header contains this text. */
    boolean carries(String credentialValue) {
        return headers("authorization").stream().anyMatch(v -> v.contains(credentialValue))
                || headers("cookie").stream().anyMatch(v -> v.contains(credentialValue));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
