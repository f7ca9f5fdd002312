package io.authgate.core;

import java.util.List;
import java.util.Objects;

/**
 * What the core needs of a request, read by the front from its gateway's representation.
 *
 * @param authorization the first {@code Authorization} header value, or {@code null}
 * @param cookieHeaders every {@code Cookie} header value, in order (empty when none)
 */
public record GatewayRequest(String authorization, List<String> cookieHeaders) {
    public GatewayRequest {
        Objects.requireNonNull(cookieHeaders, "cookieHeaders");
    }

    public static GatewayRequest of(String authorization, String cookieHeader) {
        return new GatewayRequest(authorization, cookieHeader == null ? List.of() : List.of(cookieHeader));
    }
}
