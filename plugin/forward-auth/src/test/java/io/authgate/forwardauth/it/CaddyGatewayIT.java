package io.authgate.forwardauth.it;

import java.io.IOException;

/**
 * Debian's Caddy (2.6.2, forward_auth) in front of the adapter, running
 * {@code caddy-conf/Caddyfile} exactly as shipped, with LISTEN/AUTHGATE/UPSTREAM from the
 * environment. Caddy (Go) forwards underscore header names as they come, so every spoofing case
 * here is real. Everything in {@link GatewayContractTests}; the placeholder quirk of Caddy 2.6
 * (an absent auth-response header copied as the text "{http.reverse_proxy.header.X-...}") is
 * checked by every assertion on the upstream's headers.
 */
class CaddyGatewayIT extends GatewayContractTests {

    @Override
    protected String front() {
        return "caddy";
    }

    @Override
    protected GatewayProcess startGateway(String authgate, String upstream) throws IOException {
        return GatewayProcess.caddy(authgate, upstream);
    }
}
