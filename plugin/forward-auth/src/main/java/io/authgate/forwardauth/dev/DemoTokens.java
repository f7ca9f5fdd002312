package io.authgate.forwardauth.dev;

import io.authgate.core.headers.AuthgearClaimNames;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The development issuer's signing key and origin, and the access tokens it mints, shaped like
 * Authgear's (audience: the issuer itself, as the adapter's default audience expects). Used by the
 * running development issuer and by {@code mint}, which reads the same key from the file the demo
 * writes ({@link DemoKeyFile}).
 */
public final class DemoTokens {
    private final RSAKey key;
    private final String issuer;

    public DemoTokens(RSAKey key, String issuer) {
        this.key = key;
        this.issuer = issuer;
    }

    /** A fresh RSA key; it lives as long as one demo run. */
    public static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make the development issuer's key", e);
        }
    }

    public RSAKey key() {
        return key;
    }

    public String issuer() {
        return issuer;
    }

    /** What a minted token says about its user. */
    public record Claims(String sub, boolean anonymous, boolean verified, List<String> roles, List<String> amr) {
        public Claims {
            roles = List.copyOf(roles);
            amr = List.copyOf(amr);
        }
    }

    public String mint(Claims user, Duration lifetime) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer).audience(List.of(issuer)).subject(user.sub())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("auth_time", now.getEpochSecond())
                .claim("client_id", "development")
                .claim("scope", "openid offline_access https://authgear.com/scopes/full-access")
                .claim(AuthgearClaimNames.IS_ANONYMOUS, user.anonymous())
                .claim(AuthgearClaimNames.IS_VERIFIED, user.verified())
                .claim(AuthgearClaimNames.CAN_REAUTHENTICATE, !user.anonymous())
                .claim(AuthgearClaimNames.ROLES, user.roles());
        if (!user.amr().isEmpty()) {
            claims.claim("amr", user.amr());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
