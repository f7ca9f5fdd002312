package io.authgate.core.resolve;

import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.Mode;
import io.authgate.core.config.OnError;
import io.authgate.core.credentials.BearerToken;
import io.authgate.core.credentials.SessionCookie;
import io.authgate.core.credentials.SessionCookies;
import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.headers.SessionClaims;
import io.authgate.core.jwt.AccessToken;
import io.authgate.core.jwt.AccessTokenVerifier;
import io.authgate.core.jwt.TokenRejection;
import io.authgate.core.jwt.Verification;
import io.authgate.core.remote.RemoteCredential;
import io.authgate.core.remote.RemoteSession;
import io.authgate.core.remote.RemoteSessions;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * Resolves a request's credentials into a {@link Decision}, as Authgear's resolver would: the
 * {@code Authorization} bearer token first, then the session cookies; the first that resolves wins.
 *
 * <p>A JWT is verified in-process; one that fails is never sent to Authgear (it is invalid, and
 * sending it would let anyone make authgate call Authgear). Cookies and opaque (non-JWT) bearer
 * tokens, which only Authgear can resolve, are asked of its resolver, cached; so is a verified JWT on
 * a {@code live} route, whose answer (not the token's claims) then describes the session.
 *
 * <p>In resolve mode every request continues (headers only); in enforce mode a request without a
 * valid session, or with one the route's policy refuses, is denied with an RFC 6750 / RFC 9470
 * challenge. One per configuration; thread-safe; never throws, and its futures never fail.
 */
public final class Resolver {
    private final AuthgateConfig config;
    private final AccessTokenVerifier verifier;
    private final RemoteSessions remote;
    private final SessionCookies sessionCookies;
    private final Clock clock;
    private final boolean enforce;
    private final Challenges challenges;
    private final SessionPolicy policy;

    /** @param remote Authgear's resolver, or {@code null} when the configuration turns it off */
    public Resolver(AuthgateConfig config, AccessTokenVerifier verifier, RemoteSessions remote, Clock clock) {
        if (config.live() && remote == null) {
            throw new IllegalArgumentException("a live configuration needs the remote resolver");
        }
        this.config = config;
        this.verifier = verifier;
        this.remote = remote;
        this.sessionCookies = new SessionCookies(config.sessionCookieNames());
        this.clock = clock;
        this.enforce = config.mode() == Mode.ENFORCE;
        this.challenges = new Challenges(config.issuer());
        this.policy = new SessionPolicy(config.policy(), challenges);
    }

    public AuthgateConfig config() {
        return config;
    }

    /**
     * Resolves, for callers that may block (the APISIX runner's API is synchronous): at most the JWKS
     * wait timeout when keys must be fetched, plus {@code resolver.timeout_ms} for each call to
     * Authgear (two when a bearer token it does not resolve gives way to the cookies).
     * A verified JWT on a route that is not live never waits for anything.
     */
    public Decision resolve(GatewayRequest request) {
        String token = BearerToken.from(request.authorization());
        if (token != null && isJwt(token) && !config.live()) {
            Verification v = verifier.verify(token);
            return v instanceof AccessToken || v == TokenRejection.KEYS_UNAVAILABLE
                    ? decideLocally(v) : join(fromCookies(request, true));
        }
        return join(resolveAsync(request));
    }

    private static Decision join(CompletableFuture<Decision> decision) {
        try {
            return decision.join();
        } catch (CompletionException | CancellationException e) {
            return Denials.INTERNAL_ERROR;
        }
    }

    /** Resolves without ever blocking the caller, for event loops; usually complete on return. */
    public CompletableFuture<Decision> resolveAsync(GatewayRequest request) {
        String token = BearerToken.from(request.authorization());
        if (token == null) {
            return fromCookies(request, false);
        }
        if (!isJwt(token) && remote != null) {
            return askAuthgear(RemoteCredential.bearer(token), null, request, true);
        }
        CompletableFuture<Verification> verification = verifier.verifyAsync(token);
        if (verification.isDone()) {
            return afterVerification(verification.join(), token, request);
        }
        return verification.thenCompose(v -> afterVerification(v, token, request));
    }

    private CompletableFuture<Decision> afterVerification(Verification v, String token, GatewayRequest request) {
        if (v instanceof AccessToken verified && config.live()) {
            return askAuthgear(RemoteCredential.bearer(token), verified.scopes(), request, true);
        }
        if (!(v instanceof AccessToken) && v != TokenRejection.KEYS_UNAVAILABLE) {
            // The token is invalid and is not sent anywhere; Authgear would go on to the cookies.
            return fromCookies(request, true);
        }
        return CompletableFuture.completedFuture(decideLocally(v));
    }

    /** The outcome of an in-process verification, when nothing is left to ask Authgear. */
    private Decision decideLocally(Verification v) {
        if (v instanceof AccessToken verified) {
            long exp = verified.expiresAt() == AccessToken.ABSENT ? Decision.Allow.NOT_REUSABLE : verified.expiresAt() * 1000;
            return allow(verified.session(), verified.scopes(), verified.headers(), exp);
        }
        if (v == TokenRejection.KEYS_UNAVAILABLE) {
            return Denials.KEYS_UNAVAILABLE;
        }
        return noSession(true);
    }

    private CompletableFuture<Decision> fromCookies(GatewayRequest request, boolean tokenPresented) {
        if (remote == null) {
            // Cookies are opaque session tokens that only Authgear can resolve.
            return CompletableFuture.completedFuture(noSession(tokenPresented));
        }
        List<SessionCookie> cookies = sessionCookies.find(request.cookieHeaders());
        if (cookies.isEmpty()) {
            return CompletableFuture.completedFuture(noSession(tokenPresented));
        }
        return askAuthgear(RemoteCredential.cookies(cookies), null, request, tokenPresented);
    }

    /**
     * Asks Authgear about one credential. A bearer token it does not resolve lets the cookies be
     * tried next, as Authgear itself would; any other answer is final.
     *
     * @param scopes         the verified JWT's scopes on a live route; {@code null} for opaque credentials
     * @param tokenPresented a bearer token came with the request (this one, or one that failed before)
     */
    private CompletableFuture<Decision> askAuthgear(RemoteCredential credential, List<String> scopes, GatewayRequest request,
                                                    boolean tokenPresented) {
        CompletableFuture<RemoteSession> answer = remote.resolve(credential);
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            return afterAnswer(answer.join(), credential, scopes, request, tokenPresented);
        }
        return answer.handle((session, error) -> session)
                .thenCompose(session -> session == null
                        ? CompletableFuture.completedFuture(unavailable(tokenPresented))
                        : afterAnswer(session, credential, scopes, request, tokenPresented));
    }

    private CompletableFuture<Decision> afterAnswer(RemoteSession session, RemoteCredential credential, List<String> scopes,
                                                    GatewayRequest request, boolean tokenPresented) {
        switch (session.kind()) {
            case VALID:
                return CompletableFuture.completedFuture(allow(session.claims(), scopes, session.headers(), remoteAnswerUntil(true)));
            case INVALID:
                return CompletableFuture.completedFuture(enforce ? noSession(tokenPresented)
                        : new Decision.Allow(session.headers(), config.live() ? Decision.Allow.NOT_REUSABLE : remoteAnswerUntil(false)));
            default:
                return credential.kind() == RemoteCredential.Kind.BEARER
                        ? fromCookies(request, true)
                        : CompletableFuture.completedFuture(noSession(tokenPresented, remoteAnswerUntil(false)));
        }
    }

    private Decision unavailable(boolean tokenPresented) {
        // Once Authgear answers again, the answer may differ: not reusable.
        return remote.settings().onError() == OnError.DENY ? Denials.RESOLVER_UNAVAILABLE
                : noSession(tokenPresented, Decision.Allow.NOT_REUSABLE);
    }

    /** Until when the remote cache would give the answer just read (at most: it may be older). */
    private long remoteAnswerUntil(boolean valid) {
        return clock.millis() + (valid ? remote.settings().cacheTtl() : remote.settings().negativeCacheTtl()).toMillis();
    }

    /** @param reusableUntilMillis see {@link Decision.Allow#reusableUntilMillis()}, before the route's limits */
    private Decision allow(SessionClaims session, List<String> scopes, IdentityHeaders headers, long reusableUntilMillis) {
        if (enforce) {
            Decision.Deny refused = policy.check(session, scopes, clock.millis() / 1000);
            if (refused != null) {
                return refused;
            }
        }
        if (config.live()) {
            return new Decision.Allow(headers, Decision.Allow.NOT_REUSABLE);
        }
        long until = reusableUntilMillis;
        if (enforce && config.policy().maxAuthAge() != null) {
            // SessionPolicy passes the session through the whole second auth_time + max_auth_age.
            until = Math.min(until, (session.authTime() + config.policy().maxAuthAge().toSeconds() + 1) * 1000);
        }
        return new Decision.Allow(headers, until);
    }

    /** @param tokenPresented a bearer token came and did not resolve: enforce mode says invalid_token */
    private Decision noSession(boolean tokenPresented) {
        return noSession(tokenPresented, Decision.Allow.UNBOUNDED);
    }

    /** @param reusableUntilMillis for resolve mode's "no session": see {@link Decision.Allow#reusableUntilMillis()} */
    private Decision noSession(boolean tokenPresented, long reusableUntilMillis) {
        if (!enforce) {
            if (config.live() || reusableUntilMillis == Decision.Allow.NOT_REUSABLE) {
                return Decision.Allow.NO_SESSION_NOT_REUSABLE;
            }
            return reusableUntilMillis == Decision.Allow.UNBOUNDED ? Decision.Allow.NO_SESSION
                    : new Decision.Allow(IdentityHeaders.NONE, reusableUntilMillis);
        }
        return tokenPresented ? challenges.invalidToken() : challenges.noCredentials();
    }

    /**
     * A compact JWS has two dots; Authgear's opaque tokens have none. Anything with a dot is judged
     * in-process (a malformed JWT is rejected here, never sent to Authgear).
     */
    private static boolean isJwt(String token) {
        return token.indexOf('.') >= 0;
    }
}
