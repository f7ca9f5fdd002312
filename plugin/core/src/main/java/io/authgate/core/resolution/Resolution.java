package io.authgate.core.resolution;

import io.authgate.core.Decision;
import io.authgate.core.TokenRejection;
import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.headers.SessionClaims;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What one credential step made of a request: a session, or why not. Mode and route policy are
 * applied to it afterwards, in one place, to make the {@link Decision}. Immutable; the common ones
 * are built once (a verified token's session where it enters the cache, the rejections here).
 */
public sealed interface Resolution extends StepAnswer permits Resolution.Session, Resolution.Invalid, Resolution.Unresolved {

    @Override
    default CompletableFuture<Resolution> toFuture() {
        return CompletableFuture.completedFuture(this);
    }

    /** When false, what this step found is the last word and no later step is tried. */
    boolean letsNextStepTry();

    /** A credential resolved to a session. Immutable; a verified token's is built once, where it enters the cache. */
    final class Session implements Resolution {
        private final SessionClaims claims;
        private final List<String> scopes;
        private final Decision.Allow allow;

        /**
         * @param scopes  the access token's scopes; empty for a credential that has none (a cookie, an
         *                opaque token), which a route requiring scopes refuses
         * @param headers the identity headers the upstream gets when no policy refuses the session
         */
        public Session(SessionClaims claims, List<String> scopes, IdentityHeaders headers) {
            this(claims, scopes, headers, Decision.Allow.NOT_REUSABLE);
        }

        /**
         * @param reusableUntilMillis until when the same credential gives this session (the access
         *                            token's {@code exp}, a remote answer's cache TTL), which the
         *                            {@link #allow()} carries for the front: {@link Decision.Allow#reusableUntilMillis()}
         */
        public Session(SessionClaims claims, List<String> scopes, IdentityHeaders headers, long reusableUntilMillis) {
            this.claims = Objects.requireNonNull(claims, "claims");
            this.scopes = List.copyOf(scopes);
            this.allow = new Decision.Allow(headers, reusableUntilMillis);
        }

        public SessionClaims claims() {
            return claims;
        }

        public List<String> scopes() {
            return scopes;
        }

        /** Continue to the upstream with this session's headers: the same instance every time. */
        public Decision.Allow allow() {
            return allow;
        }

        @Override
        public boolean letsNextStepTry() {
            return false;
        }
    }

    /** A credential was presented and does not make a session. */
    final class Invalid implements Resolution {
        public enum Why {
            /** It failed verification in-process (and was sent nowhere): Authgear would try the cookies next. */
            REJECTED,
            /** Authgear's resolver knows no session for it: the next credential is tried, as Authgear does. */
            UNKNOWN,
            /** Authgear answered {@code Session-Valid: false}: the last word, with the headers it answered. */
            NOT_VALID
        }

        /** In-process rejections, one per reason, built once: the token alone decides it, for good; allocates nothing. */
        private static final Map<TokenRejection, Invalid> REJECTED = rejections();
        /** A credential too long ever to be sent to Authgear: no session, for good. */
        public static final Invalid UNKNOWN_FOR_GOOD = new Invalid(Why.UNKNOWN, Decision.Allow.NO_SESSION);

        private final Why why;
        private final Decision.Allow unenforced;
        private final Optional<TokenRejection> rejection;

        private Invalid(Why why, Decision.Allow unenforced, Optional<TokenRejection> rejection) {
            this.why = why;
            this.unenforced = unenforced;
            this.rejection = rejection;
        }

        private Invalid(Why why, Decision.Allow unenforced) {
            this(why, unenforced, Optional.empty());
        }

        private static Map<TokenRejection, Invalid> rejections() {
            Map<TokenRejection, Invalid> all = new EnumMap<>(TokenRejection.class);
            for (TokenRejection r : TokenRejection.values()) {
                all.put(r, new Invalid(Why.REJECTED, Decision.Allow.NO_SESSION, Optional.of(r)));
            }
            return all;
        }

        /** A token that failed verification in-process, for this reason: the same instance every time. */
        public static Invalid rejected(TokenRejection reason) {
            return REJECTED.get(reason);
        }

        /** Why the token was refused, for {@link Why#REJECTED}; empty otherwise (a decision log's reason). */
        public Optional<TokenRejection> rejection() {
            return rejection;
        }

        /** Authgear knows no session for the credential; its answer is cached until {@code reusableUntilMillis}. */
        public static Invalid unknown(long reusableUntilMillis) {
            return new Invalid(Why.UNKNOWN, new Decision.Allow(IdentityHeaders.NONE, reusableUntilMillis));
        }

        /** Authgear's {@code Session-Valid: false} answer, whose headers resolve mode passes on. */
        public static Invalid notValid(IdentityHeaders headers, long reusableUntilMillis) {
            return new Invalid(Why.NOT_VALID, new Decision.Allow(headers, reusableUntilMillis));
        }

        public Why why() {
            return why;
        }

        /** What resolve mode does with it: continue, with the headers Authgear answered (if any). */
        public Decision.Allow unenforced() {
            return unenforced;
        }

        @Override
        public boolean letsNextStepTry() {
            return why != Why.NOT_VALID;
        }
    }

    /** No session and no judgement of a credential. */
    enum Unresolved implements Resolution {
        /** The step has no credential of its kind in this request. */
        NOT_RESPONSIBLE,
        /** A JWT came, and no keys could be had to judge it with. */
        KEYS_UNAVAILABLE,
        /** Authgear's resolver did not answer in time. */
        RESOLVER_UNAVAILABLE;

        @Override
        public boolean letsNextStepTry() {
            return this == NOT_RESPONSIBLE;
        }
    }
}
