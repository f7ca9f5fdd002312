package io.authgate.forwardauth.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Debian's Caddy (2.6.2, forward_auth) in front of the adapter, running
 * {@code caddy-conf/Caddyfile} exactly as shipped, with LISTEN/AUTHGATE/UPSTREAM from the
 * environment. Caddy (Go) forwards underscore header names as they come, so every spoofing case
 * here is real. Everything in {@link GatewayContractTests}; the placeholder quirk of Caddy 2.6
 * (an absent auth-response header copied as the text "{http.reverse_proxy.header.X-...}") is
 * checked by every assertion on the upstream's headers. {@link CurrentCaddyGatewayIT} runs the
 * same with current Caddy.
 */
class CaddyGatewayIT extends GatewayContractTests {

    /**
     * The README's Caddy additions for one claim header ("Custom claims as headers"), as edits of
     * the shipped Caddyfile: the name in copy_headers, its four client spellings deleted beside the
     * x-authgear ones, and its placeholder clean-up beside the contract's (Caddy 2.6 to 2.8).
     */
    static final List<Map.Entry<String, String>> README_CLAIM_HEADER_EDITS = List.of(
            Map.entry("\t\trequest_header -X_Authgear-*\n",
                    "\t\trequest_header -X_Authgear-*\n"
                            + "\t\trequest_header -X-Myapp-Tenant\n\t\trequest_header -X_Myapp_Tenant\n"
                            + "\t\trequest_header -X-Myapp_Tenant\n\t\trequest_header -X_Myapp-Tenant\n"),
            Map.entry("copy_headers X-Authgear-Session-Valid ", "copy_headers X-Myapp-Tenant X-Authgear-Session-Valid "),
            Map.entry("\t\t# 4. The backend.\n",
                    "\t\t@no_myapp_tenant header_regexp X-Myapp-Tenant ^(\\x7Bhttp\\.reverse_proxy\\.header\\.|$)\n"
                            + "\t\trequest_header @no_myapp_tenant -X-Myapp-Tenant\n\n\t\t# 4. The backend.\n"));

    @Override
    protected String front() {
        return "caddy";
    }

    /** The Caddy binary this class runs. */
    protected Path caddyBinary() {
        return GatewayProcess.binary("caddy", "Debian package caddy");
    }

    @Override
    protected GatewayProcess startGateway(String authgate, String upstream) throws IOException {
        return GatewayProcess.caddy(caddyBinary(), authgate, upstream);
    }

    /**
     * (Issue 15) A claim header through real Caddy, configured as the README's "Custom claims as
     * headers" says: the token's claim arrives, and no client spelling of the name does, with or
     * without a session, nor Caddy 2.6's placeholder text when the adapter sends no such header.
     */
    @Test
    void aClaimHeaderConfiguredAsDocumentedArrivesAndItsSpoofsDoNot() throws Exception {
        Stack base = stack(claimHeaderConfig());
        GatewayProcess caddy = GatewayProcess.caddy(caddyBinary(), "127.0.0.1:" + base.adapter().decisionPort(),
                "127.0.0.1:" + upstream.port(), README_CLAIM_HEADER_EDITS);
        others.add(caddy);
        assertClaimHeaderArrivesAndItsSpoofsDoNot(new Stack(base.adapter(), caddy));
    }
}
