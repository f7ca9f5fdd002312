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
 * @param host       {@code null} for any host
 * @param pathPrefix {@code null} for no prefix condition
 * @param pathRegex  {@code null} for no regex condition
 * @param methods    empty for any method
 */
public record RouteMatch(String host, String pathPrefix, Pattern pathRegex, Set<String> methods) {

    public RouteMatch {
        methods = Set.copyOf(methods);
        host = host == null ? null : host.toLowerCase(Locale.ROOT);
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
        if (!path.startsWith(pathPrefix)) {
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
