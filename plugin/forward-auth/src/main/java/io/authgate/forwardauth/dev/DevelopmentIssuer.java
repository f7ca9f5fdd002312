package io.authgate.forwardauth.dev;

import io.authgate.core.headers.AuthgearClaimNames;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.authgate.core.headers.Header;
import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.headers.SessionClaims;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * A DEVELOPMENT ISSUER: a stand-in for an Authgear project, for trying authgate without an
 * account. It makes an RSA key pair at start, serves Authgear's discovery document and JWKS on
 * loopback only, and mints access tokens shaped like Authgear's for a demo user and an anonymous
 * user. It also answers Authgear's resolver endpoint for its own tokens and for one demo session
 * cookie, so cookie sessions can be tried too. Never for production: anyone who can reach it could
 * mint tokens. It binds to 127.0.0.1 and cannot be configured together with a real
 * {@code authgear_endpoint}.
 */
public final class DevelopmentIssuer implements AutoCloseable {
    public static final String DEMO_USER_ID = "0b7e3f2a-6c1d-4e59-9a8b-2f4c6d8e1a35";
    public static final String ANONYMOUS_USER_ID = "5d2c9b41-8e3f-4a76-b1c0-7f9e2d4a6b18";

    private final HttpServer server;
    private final RSAKey key;
    private final String issuer;
    private final DemoTokens tokens;
    private final String demoSession = UUID.randomUUID().toString().replace("-", "");

    private DevelopmentIssuer(HttpServer server, RSAKey key) {
        this.server = server;
        this.key = key;
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        this.tokens = new DemoTokens(key, issuer);
    }

    public static DevelopmentIssuer start() throws IOException {
        RSAKey key = DemoTokens.newKey();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        DevelopmentIssuer issuer = new DevelopmentIssuer(server, key);
        server.createContext("/.well-known/openid-configuration", exchange -> issuer.reply(exchange,
                "{\"issuer\":\"" + issuer.issuer + "\",\"jwks_uri\":\"" + issuer.issuer + "/oauth2/jwks\"}"));
        server.createContext("/oauth2/jwks", exchange -> issuer.reply(exchange, new JWKSet(key).toPublicJWKSet().toString()));
        server.createContext("/_resolver/resolve", issuer::resolve);
        server.start();
        return issuer;
    }

    /** The origin, which is also the {@code iss} of its tokens. */
    public String issuer() {
        return issuer;
    }

    /** An access token for the demo user: verified, roles admin and editor, signed in with a password and MFA. */
    public String demoUserToken(Duration lifetime) {
        return mint(DEMO_USER_ID, false, true, List.of("admin", "editor"), List.of("pwd", "mfa"), lifetime);
    }

    /** An access token for an anonymous user: no roles, no amr. */
    public String anonymousUserToken(Duration lifetime) {
        return mint(ANONYMOUS_USER_ID, true, false, List.of(), List.of(), lifetime);
    }

    /** A {@code Cookie} header value carrying the demo user's session, as a browser would send it. */
    public String demoSessionCookie() {
        return "app_session=" + demoSession;
    }

    /**
     * Authgear's resolver, for what this issuer knows: its own unexpired tokens and the demo session
     * cookie. Anything else resolves to no session (200, no headers), as Authgear answers.
     */
    private void resolve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String cookie = exchange.getRequestHeaders().getFirst("Cookie");
            JWTClaimsSet session = null;
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                session = verified(authorization.substring(7));
            }
            if (session == null && cookie != null && List.of(cookie.split(";\\s*")).contains(demoSessionCookie())) {
                session = parse(demoUserToken(Duration.ofMinutes(5)));
            }
            if (session != null) {
                writeSessionHeaders(exchange, session);
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }

    private JWTClaimsSet verified(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            boolean valid = jwt.verify(new RSASSAVerifier(key.toRSAPublicKey())) && issuer.equals(claims.getIssuer())
                    && claims.getExpirationTime() != null && claims.getExpirationTime().after(new Date());
            return valid ? claims : null;
        } catch (ParseException | JOSEException e) {
            return null;
        }
    }

    private static JWTClaimsSet parse(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet();
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The contract's headers for one of its own tokens, mapped by the core's own claims-to-headers rule. */
    private static void writeSessionHeaders(HttpExchange exchange, JWTClaimsSet claims) throws IOException {
        try {
            List<String> roles = claims.getStringListClaim(AuthgearClaimNames.ROLES);
            List<String> amr = claims.getStringListClaim("amr");
            SessionClaims session = new SessionClaims(claims.getSubject(),
                    Boolean.TRUE.equals(claims.getBooleanClaim(AuthgearClaimNames.IS_ANONYMOUS)),
                    Boolean.TRUE.equals(claims.getBooleanClaim(AuthgearClaimNames.IS_VERIFIED)),
                    Boolean.TRUE.equals(claims.getBooleanClaim(AuthgearClaimNames.CAN_REAUTHENTICATE)),
                    roles == null ? List.of() : roles, amr == null ? List.of() : amr, claims.getLongClaim("auth_time"));
            for (Header h : IdentityHeaders.validSession(session).asList()) {
                exchange.getResponseHeaders().set(h.name(), h.value());
            }
        } catch (ParseException e) {
            throw new IOException("a token this issuer minted does not parse", e);
        }
    }

    private String mint(String sub, boolean anonymous, boolean verified, List<String> roles, List<String> amr, Duration lifetime) {
        return tokens.mint(new DemoTokens.Claims(sub, anonymous, verified, roles, amr), lifetime);
    }

    /** Its key and origin, for the file {@code mint} reads ({@link DemoKeyFile}). */
    public DemoTokens tokens() {
        return tokens;
    }

    private void reply(HttpExchange exchange, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
