package io.authgate.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The claims of an Authgear user access token, as the contract describes them. */
public final class AuthgearClaims {
    public static final String USER_ID = "c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11";
    public static final long AUTH_TIME = 1136171045L;
    public static final String ANONYMOUS = "https://authgear.com/claims/user/is_anonymous";
    public static final String VERIFIED = "https://authgear.com/claims/user/is_verified";
    public static final String CAN_REAUTHENTICATE = "https://authgear.com/claims/user/can_reauthenticate";
    public static final String ROLES = "https://authgear.com/claims/user/roles";

    private AuthgearClaims() {
    }

    /** A fresh, valid token's claims for the demo user, issued now for 30 minutes. */
    public static Map<String, Object> user(String issuer, long nowSeconds) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer);
        c.put("aud", List.of(issuer));
        c.put("sub", USER_ID);
        c.put("iat", nowSeconds);
        c.put("exp", nowSeconds + 1800);
        c.put("auth_time", AUTH_TIME);
        c.put("client_id", "e0e0b5b0f6a2c3d4");
        c.put("scope", "openid offline_access https://authgear.com/scopes/full-access");
        c.put("jti", "b6f1d3a0-9c4e-4f7e-8a1b-2d3c4e5f6a7b");
        c.put("amr", List.of("pwd", "mfa", "otp"));
        c.put(ANONYMOUS, false);
        c.put(VERIFIED, true);
        c.put(CAN_REAUTHENTICATE, true);
        c.put(ROLES, List.of("admin", "editor"));
        return c;
    }
}
