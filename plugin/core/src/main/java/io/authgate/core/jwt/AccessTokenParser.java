package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import io.authgate.core.headers.AuthgearClaimNames;
import io.authgate.core.headers.HeaderValues;
import io.authgate.core.headers.SessionClaims;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads a compact JWS into an {@link AccessToken}, without trusting any of it yet. Structural rules
 * live here (size cap first, three segments, a {@code kid}); everything that compares values with
 * the configuration is a {@link TokenValidator}. Header parameters that name keys ({@code jwk},
 * {@code jku}, {@code x5u}, {@code x5c}) are never read: keys come from the JWKS only.
 */
public final class AccessTokenParser {
    /** Authgear's access tokens are about 1 KiB; anything near this cap is not one. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private AccessTokenParser() {
    }

    /**
     * A token read but not yet verified: what the signature check needs (the header, the exact
     * signing input, the signature) and the contents: the token, and every claim as read (for a
     * route's {@code claims_to_headers}, rendered once if the token verifies; never cached itself).
     */
    public record Parsed(JWSHeader header, byte[] signingInput, Base64URL signature, AccessToken token, Map<String, Object> claims) {
    }

    /**
     * Reads both segments with {@link StrictJson} (strict UTF-8 JSON objects, RFC 7519 §7.2), the
     * header's object then by Nimbus (which knows every JOSE header parameter, {@code crit}
     * included), the payload's straight into the token: Nimbus's claims set would parse the same JSON
     * again and convert dates, a third of a cold verification's cost.
     *
     * @throws RejectedTokenException when the token is too large, malformed or has no {@code kid}
     */
    public static Parsed parse(String compact) {
        if (compact.length() > MAX_TOKEN_LENGTH) {
            throw new RejectedTokenException(TokenRejection.TOO_LARGE);
        }
        if (!isCompactJws(compact)) {
            throw new RejectedTokenException(TokenRejection.MALFORMED);
        }
        int firstDot = compact.indexOf('.');
        int lastDot = compact.lastIndexOf('.');
        JWSHeader header;
        AccessToken token;
        Map<String, Object> claims;
        try {
            // Decoded with the JDK (Nimbus's codec is several times slower).
            Base64URL encodedHeader = new Base64URL(compact.substring(0, firstDot));
            header = JWSHeader.parse(StrictJson.readObject(Base64.getUrlDecoder().decode(encodedHeader.toString())), encodedHeader);
            byte[] payload = Base64.getUrlDecoder().decode(compact.substring(firstDot + 1, lastDot));
            claims = StrictJson.readObject(payload);
            token = read(header, claims);
        } catch (ParseException | RuntimeException e) {
            // Malformed input of any kind (bad base64, bytes that are not UTF-8 JSON, a claim of the
            // wrong type): never an error of ours to surface.
            throw new RejectedTokenException(TokenRejection.MALFORMED);
        }
        if (token.keyId() == null || token.keyId().isEmpty()) {
            throw new RejectedTokenException(TokenRejection.MISSING_KEY_ID);
        }
        byte[] signingInput = compact.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
        return new Parsed(header, signingInput, new Base64URL(compact.substring(lastDot + 1)), token, claims);
    }

    private static AccessToken read(JWSHeader header, Map<String, Object> all) throws ParseException {
        String subject = string(all, "sub");
        long authTime = seconds(all, "auth_time", 0);
        SessionClaims session = new SessionClaims(
                subject == null ? "" : subject,
                bool(all, AuthgearClaimNames.IS_ANONYMOUS),
                bool(all, AuthgearClaimNames.IS_VERIFIED),
                bool(all, AuthgearClaimNames.CAN_REAUTHENTICATE),
                strings(all, AuthgearClaimNames.ROLES),
                strings(all, "amr"),
                authTime);
        requireHeaderSafe(session);
        long exp = seconds(all, "exp", AccessToken.ABSENT);
        if (exp == AccessToken.ABSENT) {
            throw new ParseException("exp is required", 0);
        }
        String scope = string(all, "scope");
        return new AccessToken(
                header.getAlgorithm().getName(),
                header.getType() == null ? null : header.getType().toString(),
                header.getKeyID(),
                string(all, "iss"),
                audience(all),
                subject,
                exp,
                seconds(all, "iat", AccessToken.ABSENT),
                seconds(all, "nbf", AccessToken.ABSENT),
                string(all, "client_id"),
                scopes(scope),
                session);
    }

    /**
     * The claims that become header values must be writable as one ({@link HeaderValues#isSafe}): no
     * control character (a CR/LF in a role would be a header of the signer's choosing in the upstream
     * request). Authgear never issues such claims; a token that has them is malformed.
     */
    private static void requireHeaderSafe(SessionClaims session) throws ParseException {
        requireHeaderSafe(session.userId(), "sub");
        for (String role : session.roles()) {
            requireHeaderSafe(role, AuthgearClaimNames.ROLES);
        }
        for (String amr : session.amr()) {
            requireHeaderSafe(amr, "amr");
        }
    }

    private static void requireHeaderSafe(String value, String claim) throws ParseException {
        if (!HeaderValues.isSafe(value)) {
            throw new ParseException(claim + " holds a character a header value cannot carry", 0);
        }
    }

    /**
     * Three non-empty base64url segments (the signature may not be empty either: that is {@code alg:
     * none}). Checked by hand because Nimbus's base64 decoder skips characters it does not know,
     * and a token Authgear would refuse to parse must not verify here.
     */
    private static boolean isCompactJws(String s) {
        int dots = 0;
        int segmentLength = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (segmentLength == 0) {
                    return false;
                }
                dots++;
                segmentLength = 0;
            } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                segmentLength++;
            } else {
                return false;
            }
        }
        return dots == 2 && segmentLength > 0;
    }

    /** {@code scope} is space-separated (RFC 9068 §2.2.3); empty parts from extra spaces are dropped. */
    private static List<String> scopes(String scope) {
        if (scope == null || scope.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(4);
        int start = 0;
        for (int i = 0; i <= scope.length(); i++) {
            if (i == scope.length() || scope.charAt(i) == ' ') {
                if (i > start) {
                    out.add(scope.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static String string(Map<String, Object> claims, String name) throws ParseException {
        Object v = claims.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new ParseException(name + " must be a string", 0);
    }

    private static boolean bool(Map<String, Object> claims, String name) throws ParseException {
        Object v = claims.get(name);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ParseException(name + " must be a boolean", 0);
    }

    private static long seconds(Map<String, Object> claims, String name, long absent) throws ParseException {
        Object v = claims.get(name);
        if (v == null) {
            return absent;
        }
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return (long) Math.floor(n.doubleValue());
        }
        throw new ParseException(name + " must be a number", 0);
    }

    private static List<String> strings(Map<String, Object> claims, String name) throws ParseException {
        Object v = claims.get(name);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!(item instanceof String s)) {
                    throw new ParseException(name + " must be an array of strings", 0);
                }
                out.add(s);
            }
            return out;
        }
        throw new ParseException(name + " must be an array of strings", 0);
    }

    private static List<String> audience(Map<String, Object> claims) throws ParseException {
        Object v = claims.get("aud");
        if (v instanceof String s) {
            return List.of(s);
        }
        return strings(claims, "aud");
    }
}
