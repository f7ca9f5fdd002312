package io.authgate.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real RSA-2048 key pairs, as Authgear uses, made once per JVM and named by {@code kid} (key
 * generation takes a noticeable fraction of a second; tests need a handful).
 */
public final class TestKeys {
    private static final Map<String, RSAKey> KEYS = new ConcurrentHashMap<>();

    private TestKeys() {
    }

    /** The key pair with this {@code kid}, made on first use. */
    public static RSAKey rsa(String kid) {
        return KEYS.computeIfAbsent(kid, id -> {
            try {
                return new RSAKeyGenerator(2048).keyID(id).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
