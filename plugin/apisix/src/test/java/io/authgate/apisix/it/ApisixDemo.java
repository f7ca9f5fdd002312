package io.authgate.apisix.it;

import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;

import java.util.Map;

/**
 * A look at the plugin at work, with no Authgear account: the real runner with the built plugin, a
 * development issuer on loopback standing in for Authgear (its keys made at start), and a few
 * requests sent as APISIX sends them. Prints what the upstream would receive for each.
 * Run by {@code runner-config/demo.sh}.
 */
public final class ApisixDemo {
    private ApisixDemo() {
    }

    public static void main(String[] args) throws Exception {
        try (TestIssuer issuer = TestIssuer.start(); ApisixHarness apisix = ApisixHarness.start()) {
            String route = "{\"authgear_endpoint\":\"" + issuer.issuer() + "\"}";
            TokenMinter minter = new TokenMinter(issuer.issuer());
            long now = System.currentTimeMillis() / 1000;
            String valid = minter.mint(TokenRecipe.VALID, now);
            String expired = minter.mint(TokenRecipe.withClaims(Map.of("exp", "now-60")), now);

            System.out.println("development issuer (stand-in for Authgear, loopback only): " + issuer.issuer());
            System.out.println("route value: " + route);
            System.out.println();
            show(apisix, route, "no credentials", HttpRequestSpec.get("/api/orders").build());
            show(apisix, route, "valid access token", HttpRequestSpec.get("/api/orders")
                    .header("Authorization", "Bearer " + valid).build());
            show(apisix, route, "expired access token", HttpRequestSpec.get("/api/orders")
                    .header("Authorization", "Bearer " + expired).build());
            show(apisix, route, "valid token + spoofed X-Authgear-User-Id and X_Authgear_User_Roles", HttpRequestSpec.get("/api/orders")
                    .header("Authorization", "Bearer " + valid)
                    .header("X-Authgear-User-Id", "someone-else")
                    .header("X_Authgear_User_Roles", "superuser").build());
            show(apisix, "{\"authgear_endpoint\":\"http://auth.example.com\"}", "route with an invalid value",
                    HttpRequestSpec.get("/api/orders").build());
        }
    }

    private static void show(ApisixHarness apisix, String route, String title, HttpRequestSpec request) throws Exception {
        ReqCallResult result = apisix.call(route, request);
        System.out.println("== " + title);
        if (result.action() == ReqCallResult.Action.STOP) {
            System.out.println("   APISIX answers " + result.status() + ": " + result.stopBody().strip());
        } else {
            Map<String, String> seen = ApisixHarness.identityHeadersAtUpstream(request, result);
            System.out.println("   reaches the upstream with " + (seen.isEmpty() ? "no identity headers" : "these identity headers:"));
            seen.forEach((k, v) -> System.out.println("     " + k + ": " + v));
        }
        System.out.println();
    }

}
