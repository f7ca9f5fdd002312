package io.authgate.core;

/**
 * What the browser features read of a request, taken by the front from its gateway: every field is
 * the header's (or the gateway's) one value, or {@code null} when absent, as in
 * {@code GatewayRequest}. Read only on routes that have a browser feature on.
 *
 * @param method                     the client's method, as the gateway says it (never a client header)
 * @param origin                     {@code Origin}
 * @param accessControlRequestMethod {@code Access-Control-Request-Method}
 * @param accept                     {@code Accept}
 * @param secFetchMode               {@code Sec-Fetch-Mode}
 * @param requestedWith              {@code X-Requested-With}
 * @param scheme                     the scheme the client used, as the gateway says it; {@code null} when
 *                                   the gateway cannot say (APISIX's runner): then the allowed origin
 *                                   for the host is taken, https before http
 * @param host                       the host (and port) the client asked for, as the gateway says it
 * @param uri                        the client's request target (path and query), as the gateway says it
 */
public record BrowserRequest(String method, String origin, String accessControlRequestMethod, String accept, String secFetchMode,
                             String requestedWith, String scheme, String host, String uri) {
}
