package io.authgate.forwardauth;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which requests a rule covers, judged on the forwarded request (see {@link ForwardedTarget}):
 * host (exact, any case), path (a prefix on segment boundaries, or a regular expression matching
 * the whole path) and methods. A condition the gateway gave no value for does not match, so such a
 * request falls through to the next rule, and at last to the top-level mode: make that
 * {@code enforce} to fail closed.
 *
 * <p>Paths compare case-sensitively unless {@code caseInsensitive} ({@code match.case_insensitive}):
 * for backends that fold case (IIS, Spring with a case-insensitive {@code PathMatcher}, a
 * case-insensitive file system), where {@code /ADMIN} is {@code /admin} and a case-sensitive rule
 * would let it by. Folding is Java's per-character {@code equalsIgnoreCase} for a prefix and
 * {@code CASE_INSENSITIVE | UNICODE_CASE} for a regex: it covers at least what such backends fold
 * (also the Kelvin sign for {@code k}), so the rule never covers less than the backend reads.
 *
 * @param host       {@code null} for any host
 * @param pathPrefix {@code null} for no prefix condition
 * @param pathRegex  {@code null} for no regex condition
 * @param methods    empty for any method
 * @param caseInsensitive whether {@code pathPrefix} compares ignoring case ({@code pathRegex} is
 *                   compiled with the flags already)
 */
public record RouteMatch(String host, String pathPrefix, Pattern pathRegex, Set<String> methods, boolean caseInsensitive) {

    public RouteMatch {
        methods = Set.copyOf(methods);
        host = host == null ? null : host.toLowerCase(Locale.ROOT);
    }

    /** A case-sensitive match. */
    public RouteMatch(String host, String pathPrefix, Pattern pathRegex, Set<String> methods) {
        this(host, pathPrefix, pathRegex, methods, false);
    }

    public boolean matches(ForwardedTarget target) {
        if (host != null && (target.host() == null || !host.equals(hostOnly(target.host())))) {
            return false;
        }
        if (!methods.isEmpty() && (target.method() == null || !methods.contains(target.method().toUpperCase(Locale.ROOT)))) {
            return false;
        }
        if (pathPrefix == null && pathRegex == null) {
            return true;
        }
        String path = target.normalizedPath();
        if (path == null) {
            return false;
        }
        if (pathPrefix != null && !underPrefix(path)) {
            return false;
        }
        return pathRegex == null || pathRegex.matcher(path).matches();
    }

    private boolean underPrefix(String path) {
        if (!path.regionMatches(caseInsensitive, 0, pathPrefix, 0, pathPrefix.length())) {
            return false;
        }
        return path.length() == pathPrefix.length() || pathPrefix.endsWith("/") || path.charAt(pathPrefix.length()) == '/';
    }

    private static String hostOnly(String hostHeader) {
        String h = hostHeader.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.indexOf(':');
        String name = colon >= 0 ? h.substring(0, colon) : h;
        // "admin.example.com." is the same name in DNS, and Caddy passes it on as sent.
        int end = name.length();
        while (end > 0 && name.charAt(end - 1) == '.') {
            end--;
        }
        return name.substring(0, end);
    }
}
