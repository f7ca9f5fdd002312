package io.authgate.core;

import java.util.List;
import java.util.Objects;

/**
 * What the core needs of a request, read by the front from its gateway's representation.
 *
 * @param authorization the first {@code Authorization} header value, or {@code null}
 * @param cookieHeaders every {@code Cookie} header value, in order (empty when none)
 * @param trace         who hears why the request's token was refused ({@link RequestTrace#NONE}: nobody)
 */
public record GatewayRequest(String authorization, List<String> cookieHeaders, RequestTrace trace) {
    public GatewayRequest {
        Objects.requireNonNull(cookieHeaders, "cookieHeaders");
        Objects.requireNonNull(trace, "trace");
    }

    public GatewayRequest(String authorization, List<String> cookieHeaders) {
        this(authorization, cookieHeaders, RequestTrace.NONE);
    }

    /** This request, with {@code trace} told why its token was refused (a decision log). */
    public GatewayRequest traced(RequestTrace trace) {
        return new GatewayRequest(authorization, cookieHeaders, trace);
    }

    public static GatewayRequest of(String authorization, String cookieHeader) {
        return new GatewayRequest(authorization, cookieHeader == null ? List.of() : List.of(cookieHeader));
    }
}
