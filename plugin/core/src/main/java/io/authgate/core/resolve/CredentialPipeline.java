package io.authgate.core.resolve;

import io.authgate.core.Decision;
import io.authgate.core.Denials;
import io.authgate.core.Gate;
import io.authgate.core.GatewayRequest;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.Mode;
import io.authgate.core.config.OnError;
import io.authgate.core.credentials.BearerToken;
import io.authgate.core.credentials.SessionCookies;
import io.authgate.core.jwt.AccessTokenVerifier;
import io.authgate.core.remote.RemoteSessions;
import io.authgate.core.resolution.Resolution;
import io.authgate.core.resolution.StepAnswer;
import io.authgate.core.revocation.Revocations;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The {@link Gate} of one configuration: resolves a request's credentials into a {@link Decision},
 * as Authgear's resolver would: a chain of
 * {@link CredentialStep}s (the bearer token first, then the session cookies; the first that
 * resolves wins), then one function, {@link #decide}, that applies the mode and the route's policy.
 *
 * <p>Cookies and opaque (non-JWT) bearer tokens, which only Authgear can resolve, are asked of its
 * resolver, cached; so is a verified JWT on a {@code live} route. With no resolver configured, those
 * steps are simply not in the chain.
 *
 * <p>In resolve mode every request continues (headers only); in enforce mode a request without a
 * valid session, or with one the route's policy refuses, is denied with an RFC 6750 / RFC 9470
 * challenge. One per configuration; thread-safe; never throws, and its futures never fail.
 */
public final class CredentialPipeline implements Gate {
    private final AuthgateConfig config;
    private final CredentialStep[] steps;
    private final Clock clock;
    private final boolean enforce;
    private final boolean denyWhenResolverUnavailable;
    private final Challenges challenges;
    private final SessionPolicy policy;

    /** @param remote Authgear's resolver; empty when the configuration turns it off */
    public CredentialPipeline(AuthgateConfig config, AccessTokenVerifier verifier, Optional<RemoteSessions> remote, Clock clock) {
        this(config, verifier, remote, Revocations.NONE, clock);
    }

    /** @param revoked what Authgear's events revoked, asked of Authgear's cached answers too */
    public CredentialPipeline(AuthgateConfig config, AccessTokenVerifier verifier, Optional<RemoteSessions> remote, Revocations revoked,
                              Clock clock) {
        if (config.live() && remote.isEmpty()) {
            throw new IllegalArgumentException("a live configuration needs the remote resolver");
        }
        this.config = config;
        this.steps = steps(config, verifier, remote, revoked, clock).toArray(CredentialStep[]::new);
        this.clock = clock;
        this.enforce = config.mode() == Mode.ENFORCE;
        this.denyWhenResolverUnavailable = remote.map(r -> r.settings().onError() == OnError.DENY).orElse(false);
        this.challenges = new Challenges(config.issuer());
        this.policy = new SessionPolicy(config.policy(), challenges);
    }

    private static List<CredentialStep> steps(AuthgateConfig config, AccessTokenVerifier verifier, Optional<RemoteSessions> remote,
                                              Revocations revoked, Clock clock) {
        if (remote.isEmpty()) {
            // Cookies and opaque tokens are sessions only Authgear can resolve: a token without a dot
            // is judged (malformed) in-process, and cookies are not read at all.
            return List.of(new JwtStep(verifier, true));
        }
        AuthgearAnswers authgear = new AuthgearAnswers(remote.get(), revoked, clock);
        JwtStep jwt = new JwtStep(verifier, false);
        return List.of(config.live() ? new LiveJwtStep(jwt, authgear) : jwt,
                new OpaqueBearerStep(authgear),
                new CookieStep(new SessionCookies(config.sessionCookieNames()), authgear));
    }

    @Override
    public AuthgateConfig config() {
        return config;
    }

    /**
     * Resolves, for callers that may block (the APISIX runner's API is synchronous): at most the JWKS
     * wait timeout when keys must be fetched, plus {@code resolver.timeout_ms} for each call to
     * Authgear (two when a bearer token it does not resolve gives way to the cookies).
     * A cached JWT on a route that is not live waits for nothing and allocates only its lookup key.
     */
    @Override
    public Decision resolve(GatewayRequest request) {
        BearerToken bearer = BearerToken.of(request.authorization());
        StepAnswer answer = resolution(0, Resolution.Unresolved.NOT_RESPONSIBLE, bearer, request);
        if (answer instanceof Resolution known) {
            return decide(known, bearer, request);
        }
        try {
            return decide(answer.toFuture().join(), bearer, request);
        } catch (CompletionException | CancellationException e) {
            return Denials.INTERNAL_ERROR;
        }
    }

    /** Resolves without ever blocking the caller, for event loops; usually complete on return. */
    @Override
    public CompletableFuture<Decision> resolveAsync(GatewayRequest request) {
        BearerToken bearer = BearerToken.of(request.authorization());
        StepAnswer answer = resolution(0, Resolution.Unresolved.NOT_RESPONSIBLE, bearer, request);
        if (answer instanceof Resolution known) {
            return CompletableFuture.completedFuture(decide(known, bearer, request));
        }
        return answer.toFuture().handle((r, error) -> error == null ? decide(r, bearer, request) : Denials.INTERNAL_ERROR);
    }

    /**
     * The chain from step {@code next} on. A step with no credential of its kind keeps what came
     * before (a bearer token that failed, say); the others replace it. Answers at once, allocating
     * nothing, when every step it runs does.
     */
    private StepAnswer resolution(int next, Resolution sofar, BearerToken bearer, GatewayRequest request) {
        if (next == steps.length) {
            return sofar;
        }
        StepAnswer found = steps[next].resolve(bearer, request);
        if (found instanceof Resolution known) {
            return after(next, sofar, known, bearer, request);
        }
        return new StepAnswer.Pending(found.toFuture().thenCompose(r -> after(next, sofar, r, bearer, request).toFuture()));
    }

    private StepAnswer after(int step, Resolution sofar, Resolution found, BearerToken bearer, GatewayRequest request) {
        Resolution kept = found == Resolution.Unresolved.NOT_RESPONSIBLE ? sofar : found;
        return kept.letsNextStepTry() ? resolution(step + 1, kept, bearer, request) : kept;
    }

    /** The one place mode and policy turn what the credentials resolved to into what the gateway does. */
    private Decision decide(Resolution resolution, BearerToken bearer, GatewayRequest request) {
        if (resolution instanceof Resolution.Invalid invalid && invalid.rejection().isPresent()) {
            request.trace().tokenRejected(invalid.rejection().get());
        }
        if (resolution instanceof Resolution.Session session) {
            return enforce ? reusable(policy.check(session, clock.millis() / 1000), session) : reusable(session.allow());
        }
        if (resolution == Resolution.Unresolved.KEYS_UNAVAILABLE) {
            return Denials.KEYS_UNAVAILABLE;
        }
        if (resolution == Resolution.Unresolved.RESOLVER_UNAVAILABLE) {
            // Once Authgear answers again, the answer may differ: not reusable.
            return denyWhenResolverUnavailable ? Denials.RESOLVER_UNAVAILABLE
                    : enforce ? noSession(bearer) : Decision.Allow.NO_SESSION_NOT_REUSABLE;
        }
        if (enforce) {
            return noSession(bearer);
        }
        return reusable(resolution instanceof Resolution.Invalid invalid ? invalid.unenforced() : Decision.Allow.NO_SESSION);
    }

    /**
     * RFC 6750 §3.1: a request that brought a bearer token is told it is invalid; one with no
     * credential at all (or only cookies) gets a challenge with no error code.
     */
    private Decision noSession(BearerToken bearer) {
        return bearer.isPresent() ? challenges.invalidToken() : challenges.noCredentials();
    }

    /** A {@code live} route's answer holds for this request only. */
    private Decision.Allow reusable(Decision.Allow allow) {
        if (config.live()) {
            return allow.headers().isEmpty() ? Decision.Allow.NO_SESSION_NOT_REUSABLE : allow.reusableAtMostUntil(Decision.Allow.NOT_REUSABLE);
        }
        return allow;
    }

    /** What the policy let through holds no longer than the session passes it ({@code max_auth_age}). */
    private Decision reusable(Decision checked, Resolution.Session session) {
        if (!(checked instanceof Decision.Allow allow)) {
            return checked;
        }
        if (config.policy().maxAuthAge() != null) {
            // SessionPolicy passes the session through the whole second auth_time + max_auth_age.
            long until = (session.claims().authTime() + config.policy().maxAuthAge().toSeconds() + 1) * 1000;
            return reusable(allow.reusableAtMostUntil(until));
        }
        return reusable(allow);
    }
}
