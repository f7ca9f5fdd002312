package io.authgate.core.headers;

/**
 * The {@code x-authgear-*} header family: the names authgate writes, and the test that decides
 * whether a client-sent header claims to be one of them.
 */
public final class IdentityHeaderNames {
    public static final String SESSION_VALID = "x-authgear-session-valid";
    public static final String USER_ID = "x-authgear-user-id";
    public static final String USER_ANONYMOUS = "x-authgear-user-anonymous";
    public static final String USER_VERIFIED = "x-authgear-user-verified";
    public static final String USER_CAN_REAUTHENTICATE = "x-authgear-user-can-reauthenticate";
    public static final String USER_ROLES = "x-authgear-user-roles";
    public static final String SESSION_AMR = "x-authgear-session-amr";
    public static final String SESSION_AUTHENTICATED_AT = "x-authgear-session-authenticated-at";

    private static final String PREFIX = "x-authgear-";

    private IdentityHeaderNames() {
    }

    /**
     * True when a header of this name must never reach the upstream from the client: its name,
     * lower-cased and with {@code _} read as {@code -} (nginx, APISIX and many frameworks treat the
     * two alike when mapping headers to variables), starts with {@code x-authgear-}.
     */
    public static boolean isIdentityHeader(String name) {
        if (name == null || name.length() < PREFIX.length()) {
            return false;
        }
        for (int i = 0; i < PREFIX.length(); i++) {
            char c = name.charAt(i);
            if (c == '_') {
                c = '-';
            } else if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != PREFIX.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
