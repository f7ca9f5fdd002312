package io.authgate.core.jwks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;

import java.util.Set;

/**
 * One public key from the JWKS, ready to verify: its id, the algorithms it may verify (from its type
 * and curve, narrowed by its own {@code alg} when the JWK names one), and a verifier built once.
 */
public final class VerificationKey implements KeyLookup {
    private final String keyId;
    private final Set<String> algorithms;
    private final JWSVerifier verifier;

    VerificationKey(String keyId, Set<String> algorithms, JWSVerifier verifier) {
        this.keyId = keyId;
        this.algorithms = Set.copyOf(algorithms);
        this.verifier = verifier;
    }

    public String keyId() {
        return keyId;
    }

    public boolean canVerify(String algorithm) {
        return algorithms.contains(algorithm);
    }

    /** @return true only when the signature verifies under this key */
    public boolean verify(SignedJWT jws) {
        return verify(jws.getHeader(), jws.getSigningInput(), jws.getSignature());
    }

    /**
     * @param signingInput the ASCII bytes of {@code header.payload}, exactly as received
     * @return true only when the signature verifies under this key
     */
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        if (!canVerify(header.getAlgorithm().getName())) {
            return false;
        }
        try {
            return verifier.verify(header, signingInput, signature);
        } catch (JOSEException | RuntimeException e) {
            // A signature of the wrong length or shape is just a signature that does not verify.
            return false;
        }
    }

    static Set<String> names(Set<JWSAlgorithm> algorithms) {
        return Set.copyOf(algorithms.stream().map(JWSAlgorithm::getName).toList());
    }

    @Override
    public String toString() {
        return "VerificationKey[" + keyId + " " + algorithms + "]";
    }
}
