package io.authgate.core.text;

/**
 * Text with every JWT-shaped run written as {@code [jwt]}: for values a log writes that a client
 * chooses and that can carry a token (a path such as {@code /reset/eyJ...}). A JWT (JWS or JWE, in
 * compact form) starts with {@code eyJ}, the base64url of {@code {"}, and is base64url parts joined by
 * at least two dots; the run is taken whole, so no part of the token is left.
 */
public final class JwtRedaction {
    static final String SHOWN_AS = "[jwt]";
    private static final String START = "eyJ";

    private JwtRedaction() {
    }

    /** {@code text} itself when it holds no JWT-shaped run (the usual case: one indexOf). */
    public static String of(String text) {
        int at = text.indexOf(START);
        if (at < 0) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        while (at >= 0) {
            int end = at;
            int dots = 0;
            for (; end < text.length(); end++) {
                char c = text.charAt(end);
                if (c == '.') {
                    dots++;
                } else if (!isBase64Url(c)) {
                    break;
                }
            }
            if (dots >= 2) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, at).append(SHOWN_AS);
                copied = end;
            }
            at = text.indexOf(START, Math.max(end, at + 1));
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
