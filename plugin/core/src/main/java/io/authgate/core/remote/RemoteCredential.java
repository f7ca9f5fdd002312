package io.authgate.core.remote;

import io.authgate.core.credentials.SessionCookie;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * One credential to ask Authgear's resolver about: a bearer token (sent as {@code Authorization}),
 * or the request's Authgear session cookies (sent together as one {@code Cookie}, in Authgear's
 * order; Authgear picks the first that resolves). Nothing else of the client's request is sent.
 * Never printed: it is a secret.
 */
public final class RemoteCredential {
    /** Which request header carries it to Authgear. */
    public enum Kind {
        BEARER, COOKIES
    }

    private final Kind kind;
    private final String headerValue;

    private RemoteCredential(Kind kind, String headerValue) {
        this.kind = kind;
        this.headerValue = headerValue;
    }

    public static RemoteCredential bearer(String token) {
        return new RemoteCredential(Kind.BEARER, "Bearer " + token);
    }

    /** @param cookies at least one, in the order Authgear tries them */
    public static RemoteCredential cookies(List<SessionCookie> cookies) {
        if (cookies.isEmpty()) {
            throw new IllegalArgumentException("no cookie to send");
        }
        StringBuilder header = new StringBuilder();
        for (SessionCookie c : cookies) {
            if (header.length() > 0) {
                header.append("; ");
            }
            header.append(c.name()).append('=').append(c.value());
        }
        return new RemoteCredential(Kind.COOKIES, header.toString());
    }

    public Kind kind() {
        return kind;
    }

    /** The request header that carries it: {@code Authorization} or {@code Cookie}. */
    public String headerName() {
        return kind == Kind.BEARER ? "Authorization" : "Cookie";
    }

    public String headerValue() {
        return headerValue;
    }

    /**
     * The cache key: SHA-256 over the Authgear host, the kind and the value, so the cache never holds
     * a credential in clear and one project's answer is never served for another's.
     */
    public CredentialDigest digest(String authgearHost) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        sha256.update(authgearHost.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update((byte) kind.ordinal());
        sha256.update((byte) 0);
        sha256.update(headerValue.getBytes(StandardCharsets.UTF_8));
        return new CredentialDigest(sha256.digest());
    }

    @Override
    public String toString() {
        return "RemoteCredential[" + kind + "]";
    }
}
