package io.authgate.forwardauth.it;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a Traefik version supports, from Traefik's release notes as quoted in traefik-conf/traefik.yml. */
final class TraefikVersions {
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+).*");

    private TraefikVersions() {
    }

    /** The entry point's {@code http.underscoreHeadersStrategy}: v3.6.22+ on the 3.6 line, v3.7.6+, every later minor. */
    static boolean hasUnderscoreHeadersStrategy(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Traefik version: " + version);
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = Integer.parseInt(m.group(3));
        if (major != 3) {
            return major > 3;
        }
        return minor > 7 || (minor == 7 && patch >= 6) || (minor == 6 && patch >= 22);
    }
}
