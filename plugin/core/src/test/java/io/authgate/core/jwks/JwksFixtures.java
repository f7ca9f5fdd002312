package io.authgate.core.jwks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import java.text.ParseException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Key sets for cache tests, where only the key ids matter: one EC key published under any kids. */
final class JwksFixtures {
    private static final ECKey EC;

    static {
        try {
            EC = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).generate().toPublicJWK();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private JwksFixtures() {
    }

    static KeySet keys(String... kids) {
        List<JWK> jwks = Arrays.stream(kids).map(kid -> (JWK) new ECKey.Builder(EC).keyID(kid).build()).toList();
        return parse(new JWKSet(jwks).toString());
    }

    static FetchedKeys fetched(Duration maxAge, String... kids) {
        return new FetchedKeys(keys(kids), maxAge);
    }

    static KeySet parse(String json) {
        try {
            return KeySet.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
