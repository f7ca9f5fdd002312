package io.authgate.core.headers;

/**
 * The names of the Authgear-specific claims of its access tokens ({@code
 * https://authgear.com/claims/user/...}, as the contract lists them): the one place the core names
 * them, public so a token minter (the adapter's development issuer) can use them too. The test kit
 * spells them out on its own, on purpose: it stands in for Authgear, and a typo here must not be
 * repeated there.
 */
public final class AuthgearClaimNames {
    public static final String IS_ANONYMOUS = "https://authgear.com/claims/user/is_anonymous";
    public static final String IS_VERIFIED = "https://authgear.com/claims/user/is_verified";
    public static final String CAN_REAUTHENTICATE = "https://authgear.com/claims/user/can_reauthenticate";
    public static final String ROLES = "https://authgear.com/claims/user/roles";

    private AuthgearClaimNames() {
    }
}
