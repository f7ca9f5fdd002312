package io.authgate.core.headers;

/** What a header value may hold when authgate writes it: no control character but tab (RFC 9110 §5.5). */
public final class HeaderValues {
    private HeaderValues() {
    }

    /** True when every character is a tab or at least a space, and none is DEL. */
    public static boolean isSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
