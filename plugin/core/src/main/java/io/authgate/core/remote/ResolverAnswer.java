package io.authgate.core.remote;

import io.authgate.core.RemoteSessionKind;
import io.authgate.core.headers.Header;
import io.authgate.core.headers.HeaderValues;
import io.authgate.core.headers.IdentityHeaderNames;
import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.headers.SessionClaims;
import io.authgate.core.text.StrictUtf8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the headers of a resolver's 200 answer: the contract's names only (any case; the first value
 * of each), taken as they are, so the upstream sees what Authgear said. Values are bytes (Authgear's
 * Go server writes a string's bytes as they are), read as UTF-8 text and written on as the same
 * UTF-8 by every front. An answer that does not make a valid session (Authgear's
 * {@code Session-Valid: false}, headers missing a part, a value that is not UTF-8 or holds a control
 * character) is passed on as {@code Session-Valid: false} alone: bytes that are not UTF-8 could not be
 * passed on as they are by every front (the APISIX runner writes text, as UTF-8). Anything else
 * Authgear sends ({@code Set-Cookie}, a header a later Authgear adds) stays out.
 */
final class ResolverAnswer {
    /** The contract's headers, in the order Authgear writes them. */
    private static final List<String> CONTRACT_NAMES = List.of(
            IdentityHeaderNames.SESSION_VALID, IdentityHeaderNames.USER_ID, IdentityHeaderNames.USER_ANONYMOUS,
            IdentityHeaderNames.USER_VERIFIED, IdentityHeaderNames.USER_CAN_REAUTHENTICATE, IdentityHeaderNames.USER_ROLES,
            IdentityHeaderNames.SESSION_AMR, IdentityHeaderNames.SESSION_AUTHENTICATED_AT);

    private ResolverAnswer() {
    }

    /**
     * @param firstValue the first value of a response header by name (any case), or empty; one char
     *                   per byte, as the JDK's HTTP client reads header values
     */
    static RemoteSession read(Function<String, Optional<String>> firstValue) {
        List<Header> headers = new ArrayList<>(CONTRACT_NAMES.size());
        boolean text = true;
        for (String name : CONTRACT_NAMES) {
            Optional<String> octets = firstValue.apply(name);
            if (octets.isPresent()) {
                Optional<String> value = StrictUtf8.decodeOctets(octets.get());
                text &= value.isPresent();
                headers.add(new Header(name, value.orElse("")));
            }
        }
        if (headers.isEmpty()) {
            return RemoteSession.NONE;
        }
        IdentityHeaders identity = IdentityHeaders.of(headers);
        SessionClaims claims = text && headers.stream().allMatch(h -> HeaderValues.isSafe(h.value())) ? claimsOf(identity) : null;
        // What is not a valid session reaches the upstream as "Session-Valid: false" alone: never a
        // user id that this code itself judged not to make a session.
        return claims == null
                ? new RemoteSession(RemoteSessionKind.INVALID, IdentityHeaders.SESSION_INVALID, null)
                : new RemoteSession(RemoteSessionKind.VALID, identity, claims);
    }

    /** The session the headers describe, or {@code null} when they do not make a valid one. */
    private static SessionClaims claimsOf(IdentityHeaders h) {
        String userId = h.get(IdentityHeaderNames.USER_ID);
        if (!"true".equals(h.get(IdentityHeaderNames.SESSION_VALID)) || userId == null || userId.isEmpty()) {
            return null;
        }
        Boolean anonymous = flag(h, IdentityHeaderNames.USER_ANONYMOUS);
        Boolean verified = flag(h, IdentityHeaderNames.USER_VERIFIED);
        Boolean canReauthenticate = flag(h, IdentityHeaderNames.USER_CAN_REAUTHENTICATE);
        if (anonymous == null || verified == null || canReauthenticate == null) {
            // A policy must not read "anonymous: unknown" as "not anonymous": no session, then.
            return null;
        }
        String authTime = h.get(IdentityHeaderNames.SESSION_AUTHENTICATED_AT);
        long authenticatedAt;
        try {
            authenticatedAt = authTime == null ? 0 : Long.parseLong(authTime);
        } catch (NumberFormatException e) {
            return null;
        }
        return new SessionClaims(userId, anonymous, verified, canReauthenticate,
                split(h.get(IdentityHeaderNames.USER_ROLES), ","),
                split(h.get(IdentityHeaderNames.SESSION_AMR), " "),
                authenticatedAt);
    }

    /** Go's strconv.FormatBool writes exactly "true" or "false"; anything else is unknown. */
    private static Boolean flag(IdentityHeaders h, String name) {
        String value = h.get(name);
        return "true".equals(value) ? Boolean.TRUE : "false".equals(value) ? Boolean.FALSE : null;
    }

    private static List<String> split(String value, String separator) {
        if (value == null || value.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(value.split(separator)).filter(s -> !s.isEmpty()).toList();
    }
}
