package io.authgate.core.jwt;

import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.headers.SessionClaims;

import java.util.List;

/** Parsed access tokens for rule tests: a valid Authgear token, changed one field at a time. */
final class Tokens {
    static final String ISSUER = "https://auth.example.com";
    static final String USER = "c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11";
    static final long NOW = 1_767_225_600L; // 2026-01-01T00:00:00Z

    private String alg = "RS256";
    private String typ = "at+jwt";
    private String iss = ISSUER;
    private List<String> aud = List.of(ISSUER);
    private String sub = USER;
    private long exp = NOW + 1800;
    private long iat = NOW;
    private long nbf = AccessToken.ABSENT;

    static Tokens valid() {
        return new Tokens();
    }

    Tokens alg(String value) {
        alg = value;
        return this;
    }

    Tokens typ(String value) {
        typ = value;
        return this;
    }

    Tokens iss(String value) {
        iss = value;
        return this;
    }

    Tokens aud(String... values) {
        aud = List.of(values);
        return this;
    }

    Tokens sub(String value) {
        sub = value;
        return this;
    }

    Tokens exp(long value) {
        exp = value;
        return this;
    }

    Tokens iat(long value) {
        iat = value;
        return this;
    }

    Tokens nbf(long value) {
        nbf = value;
        return this;
    }

    AccessToken build() {
        SessionClaims session = new SessionClaims(sub == null ? "" : sub, false, true, true, List.of(), List.of(), 0);
        return new AccessToken(alg, typ, "kid-1", iss, aud, sub, exp, iat, nbf, "client", List.of("openid"), session);
    }
}
