package io.authgate.core.resolve;

import io.authgate.core.Decision;
import io.authgate.core.headers.Header;

import java.util.List;

/**
 * Enforce mode's denials, as RFC 6750 §3 and RFC 9470 (step-up authentication) shape them: a
 * {@code WWW-Authenticate: Bearer} challenge a client SDK understands, and a small JSON body. They
 * say no more about which rule failed than those RFCs allow. Built once per configuration.
 */
final class Challenges {
    private final Decision.Deny noCredentials;
    private final Decision.Deny invalidToken;
    private final Decision.Deny forbidden;
    private final String realm;

    Challenges(String realm) {
        String r = "Bearer realm=\"" + quoted(realm) + "\"";
        this.noCredentials = deny(401, r, "unauthorized", "authentication required");
        this.invalidToken = deny(401, r + ", error=\"invalid_token\"", "invalid_token", "the access token is invalid or expired");
        this.forbidden = deny(403, null, "forbidden", "the session is not allowed on this route");
        this.realm = r;
    }

    /** No credentials at all: a challenge with no error code (RFC 6750 §3.1). */
    Decision.Deny noCredentials() {
        return noCredentials;
    }

    /** A token was presented and did not verify. */
    Decision.Deny invalidToken() {
        return invalidToken;
    }

    /** A valid session the route does not admit (anonymous, unverified, roles). */
    Decision.Deny forbidden() {
        return forbidden;
    }

    /** Missing scopes: 403 with {@code insufficient_scope} and the scopes the route needs (RFC 6750 §3.1). */
    Decision.Deny insufficientScope(String requiredScopes) {
        return deny(403, realm + ", error=\"insufficient_scope\", scope=\"" + quoted(requiredScopes) + "\"",
                "insufficient_scope", "the access token lacks a scope this route requires");
    }

    /** RFC 9470: authenticate again, more strongly ({@code acr}) or more recently ({@code maxAge}). */
    Decision.Deny stepUp(String description, Long maxAgeSeconds) {
        String challenge = realm + ", error=\"insufficient_user_authentication\", error_description=\"" + quoted(description) + "\""
                + (maxAgeSeconds == null ? "" : ", max_age=" + maxAgeSeconds);
        return deny(401, challenge, "insufficient_user_authentication", description);
    }

    private static Decision.Deny deny(int status, String challenge, String error, String description) {
        String body = "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}";
        List<Header> headers = challenge == null
                ? List.of(new Header("content-type", "application/json"))
                : List.of(new Header("www-authenticate", challenge), new Header("content-type", "application/json"));
        return new Decision.Deny(status, headers, body);
    }

    /** A quoted-string may not carry a bare quote or backslash. */
    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
