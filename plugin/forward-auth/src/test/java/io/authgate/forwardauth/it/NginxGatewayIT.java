package io.authgate.forwardauth.it;

import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's nginx (1.22, auth_request) in front of the adapter, configured by
 * {@code nginx-conf/authgate.conf} exactly as shipped, with headers-more loaded and
 * {@code underscores_in_headers on} (the worst case: nginx then forwards underscore names).
 * Everything in {@link GatewayContractTests}, plus what a user without headers-more gets.
 */
class NginxGatewayIT extends GatewayContractTests {

    @Override
    protected String front() {
        return "nginx";
    }

    @Override
    protected GatewayProcess startGateway(String authgate, String upstream) throws IOException {
        return GatewayProcess.nginx(authgate, upstream, GatewayProcess.NginxOptions.RECIPE_WITH_UNDERSCORES);
    }

    /**
     * Without the module, the proxy_set_header lines still protect every contract name in its
     * hyphen and underscore spelling (and the old acr header); what passes is documented in
     * nginx-conf/README.md: names outside the contract, and mixed-separator spellings when
     * underscores_in_headers is on.
     */
    @Test
    void withoutHeadersMoreAndUnderscoresOnTheContractNamesAreStillProtected() throws Exception {
        Stack base = base();
        GatewayProcess bare = GatewayProcess.nginx("127.0.0.1:" + base.adapter().decisionPort(), "127.0.0.1:" + upstream.port(),
                new GatewayProcess.NginxOptions(false, true));
        others.add(bare);
        Stack stack = new Stack(base.adapter(), bare);
        Map<String, List<String>> documentedLeaks = Map.of(
                "x-authgear_user_verified", List.of("true"),
                "x_authgear-session-valid", List.of("true"),
                "x-authgear-foo", List.of("spoofed"),
                "x_authgear_foo", List.of("spoofed"));

        for (boolean valid : new boolean[] {true, false}) {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            if (valid) {
                headers.add(bearer(mint(TokenRecipe.VALID)));
            }
            headers.addAll(SPOOFED);
            Seen seen = send(stack, headers);
            Map<String, List<String>> expected = new TreeMap<>(documentedLeaks);
            if (valid) {
                VALID.forEach((name, value) -> expected.put(name, List.of(value)));
            }
            assertThat(seen.identity()).as("without headers-more, underscores on\n%s", seen).isEqualTo(expected);
        }
    }

    @Test
    void withoutHeadersMoreAndDefaultUnderscoresOnlyNamesOutsideTheContractPass() throws Exception {
        Stack base = base();
        GatewayProcess bare = GatewayProcess.nginx("127.0.0.1:" + base.adapter().decisionPort(), "127.0.0.1:" + upstream.port(),
                new GatewayProcess.NginxOptions(false, false));
        others.add(bare);
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(bearer(mint(TokenRecipe.VALID))));
        headers.addAll(SPOOFED);
        Seen seen = send(new Stack(base.adapter(), bare), headers);
        Map<String, List<String>> expected = new TreeMap<>(Map.of("x-authgear-foo", List.of("spoofed")));
        VALID.forEach((name, value) -> expected.put(name, List.of(value)));
        // underscores_in_headers off (nginx's default) drops every header with `_` in its name
        assertThat(seen.identity()).as("without headers-more, underscores off\n%s", seen).isEqualTo(expected);
    }

    /**
     * (Issue 15) A claim header through real nginx, configured as the README's "Custom claims as
     * headers" says (the three per-name additions): the token's claim arrives, and no client
     * spelling of the name does, with or without a session.
     */
    @Test
    void aClaimHeaderConfiguredAsDocumentedArrivesAndItsSpoofsDoNot() throws Exception {
        Stack base = stack(claimHeaderConfig());
        List<Map.Entry<String, String>> edits = List.of(
                Map.entry("more_clear_input_headers 'X-Authgear-*' 'X_Authgear_*' 'X-Authgear_*' 'X_Authgear-*';",
                        "more_clear_input_headers 'X-Authgear-*' 'X_Authgear_*' 'X-Authgear_*' 'X_Authgear-*'"
                                + " 'X-Myapp-Tenant' 'X_Myapp_Tenant' 'X-Myapp_Tenant' 'X_Myapp-Tenant';"),
                Map.entry("auth_request_set $authgate_user_id ",
                        "auth_request_set $authgate_myapp_tenant $upstream_http_x_myapp_tenant;\n        auth_request_set $authgate_user_id "),
                Map.entry("proxy_set_header X-Authgear-User-Id ",
                        "proxy_set_header X-Myapp-Tenant $authgate_myapp_tenant;\n        proxy_set_header X-Authgear-User-Id "));
        GatewayProcess nginx = GatewayProcess.nginx("127.0.0.1:" + base.adapter().decisionPort(), "127.0.0.1:" + upstream.port(),
                new GatewayProcess.NginxOptions(true, true, edits));
        others.add(nginx);
        Stack stack = new Stack(base.adapter(), nginx);
        assertClaimHeaderArrivesAndItsSpoofsDoNot(stack);
    }
}
