package io.authgate.forwardauth.it;

import java.nio.file.Path;

/**
 * Current Caddy (the version gateways/caddy/go.mod pins, built from its Go module by
 * {@code gateways/build.sh caddy}) in front of the adapter, running {@code caddy-conf/Caddyfile}
 * exactly as shipped: everything in {@link GatewayContractTests}, as for Debian's 2.6.2 in
 * {@link CaddyGatewayIT}. Here copy_headers skips a header the adapter did not send (and deletes
 * the client's copy first), so the Caddyfile's placeholder clean-up never matches; what is asserted
 * is the same. Two defaults of Caddy 2.11 show (modules/caddyhttp/app.go and server.go): every
 * request header with "_" or "." in its name is dropped before any handler (GHSA-f59h-q822-g45g,
 * unless expected_underscore_headers lists it), and request headers are limited to 16 KiB (431
 * beyond). Its front name in the conformance table is {@code caddy-2.11}. The claim-header test
 * of {@link CaddyGatewayIT} runs here too.
 */
class CurrentCaddyGatewayIT extends CaddyGatewayIT {

    @Override
    protected String front() {
        return "caddy-2.11";
    }

    @Override
    protected boolean forwardsUnderscoreHeaders() {
        return false;
    }

    @Override
    protected Path caddyBinary() {
        return GatewayBinaries.CADDY.binary();
    }
}
