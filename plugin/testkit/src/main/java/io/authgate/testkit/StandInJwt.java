package io.authgate.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.text.ParseException;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Turns an Authgear access token into a {@link StandInSession} the way the contract describes:
 * RS256 only, signed by a published key (the one its {@code kid} names), {@code iss} and {@code aud}
 * the issuer, {@code exp}/{@code iat}/{@code nbf} checked with zero clock skew, no machine-to-machine
 * tokens. Anything wrong gives nothing; the caller never learns why, as Authgear's callers don't.
 */
final class StandInJwt {
    private StandInJwt() {
    }

    static Optional<StandInSession> read(String token, String issuer, List<JWK> publishedKeys, long nowSeconds) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !signedByPublishedKey(jwt, publishedKeys)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!issuer.equals(claims.getIssuer()) || claims.getAudience() == null || !claims.getAudience().contains(issuer)
                    || !timely(claims, nowSeconds)) {
                return Optional.empty();
            }
            String sub = claims.getSubject();
            // Machine-to-machine tokens (sub "client_id_<id>") have no user; the resolver refuses them.
            if (sub == null || sub.startsWith("client_id_")) {
                return Optional.empty();
            }
            return Optional.of(session(sub, claims));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean signedByPublishedKey(SignedJWT jwt, List<JWK> keys) throws JOSEException {
        String kid = jwt.getHeader().getKeyID();
        for (JWK key : keys) {
            if (key instanceof RSAKey rsa && (kid == null || kid.equals(rsa.getKeyID()))
                    && jwt.verify(new RSASSAVerifier(rsa.toRSAPublicKey()))) {
                return true;
            }
        }
        return false;
    }

    /** Zero skew, as Authgear: expired at {@code exp}, valid from {@code iat} and {@code nbf}. */
    private static boolean timely(JWTClaimsSet claims, long now) {
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        Date nbf = claims.getNotBeforeTime();
        return exp != null && now < seconds(exp)
                && (iat == null || seconds(iat) <= now)
                && (nbf == null || seconds(nbf) <= now);
    }

    private static StandInSession session(String sub, JWTClaimsSet claims) throws ParseException {
        List<String> roles = claims.getStringListClaim(AuthgearClaims.ROLES);
        List<String> amr = claims.getStringListClaim("amr");
        Object authTime = claims.getClaim("auth_time");
        return new StandInSession(sub,
                flag(claims, AuthgearClaims.ANONYMOUS),
                flag(claims, AuthgearClaims.VERIFIED),
                flag(claims, AuthgearClaims.CAN_REAUTHENTICATE),
                roles, amr,
                authTime instanceof Number n ? n.longValue() : 0L);
    }

    private static boolean flag(JWTClaimsSet claims, String name) throws ParseException {
        Boolean value = claims.getBooleanClaim(name);
        return value != null && value;
    }

    private static long seconds(Date date) {
        return Math.floorDiv(date.getTime(), 1000L);
    }
}
