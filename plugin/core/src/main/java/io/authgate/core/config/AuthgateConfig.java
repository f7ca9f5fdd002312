package io.authgate.core.config;

import io.authgate.core.headers.ClaimHeaders;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One validated configuration: a route's plugin value in APISIX, or the adapter's file. Built once by
 * {@link ConfigParser}, never per request. Immutable.
 *
 * @param issuer               the Authgear origin, exactly as tokens carry it in {@code iss}
 * @param jwksUri              where the keys are; {@code null} means discover it from the issuer
 * @param audiences            a token must name at least one of these in {@code aud}
 * @param clockSkew            leeway for {@code exp}, {@code iat}, {@code nbf}; Authgear's own is zero
 * @param algorithms           JWS algorithms accepted (asymmetric signatures only)
 * @param cookiePrefix         Authgear's {@code http.cookie_prefix}
 * @param mode                 what to do with the resolution
 * @param policy               what enforce mode requires of a session ({@link Policy#DEFAULT} otherwise)
 * @param jwks                 JWKS fetching and caching
 * @param tokenCacheMaxBytes   bound on the heap the verified-token cache takes (0: no cache)
 * @param resolver             how to ask Authgear's resolver; empty when remote resolution is off
 *                             ({@code resolver: false}), so cookies and opaque tokens yield no session
 * @param live                 ask the resolver even for a verified JWT, so revocation shows within
 *                             the resolver's cache TTL instead of at the token's expiry
 * @param claimHeaders         which claims of a verified JWT become upstream headers ({@code claims_to_headers})
 * @param revocation           the webhook secret and the watermarks' lifetime ({@code revocation})
 */
public record AuthgateConfig(
        String issuer,
        URI jwksUri,
        Set<String> audiences,
        Duration clockSkew,
        Set<String> algorithms,
        String cookiePrefix,
        Mode mode,
        Policy policy,
        JwksSettings jwks,
        long tokenCacheMaxBytes,
        Optional<ResolverSettings> resolver,
        boolean live,
        ClaimHeaders claimHeaders,
        RevocationSettings revocation) {

    public AuthgateConfig {
        Objects.requireNonNull(issuer, "issuer");
        audiences = Set.copyOf(audiences);
        algorithms = Set.copyOf(algorithms);
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(cookiePrefix, "cookiePrefix");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(jwks, "jwks");
        Objects.requireNonNull(claimHeaders, "claimHeaders");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(revocation, "revocation");
        if (live && resolver.isEmpty()) {
            throw new IllegalArgumentException("live needs the resolver");
        }
    }

    /** This configuration with a route's own mode, policy, live flag and claim headers ({@link ConfigParser#route}). */
    public AuthgateConfig with(RouteSettings route) {
        return new AuthgateConfig(issuer, jwksUri, audiences, clockSkew, algorithms, cookiePrefix, route.mode(), route.policy(), jwks,
                tokenCacheMaxBytes, resolver, route.live(), route.claimHeaders(), revocation);
    }

    /** The discovery document Authgear publishes for this issuer. */
    public URI discoveryUri() {
        return URI.create(issuer + "/.well-known/openid-configuration");
    }

    /** The cookies that carry an Authgear session, in the order Authgear tries them. */
    public List<String> sessionCookieNames() {
        return List.of(cookiePrefix + "app_session", cookiePrefix + "app_access_token", cookiePrefix + "session");
    }
}
