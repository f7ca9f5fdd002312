package io.authgate.core.config;

import java.net.URI;
import java.util.Locale;

/**
 * The rule for every URI authgate fetches keys or answers from: absolute, with a host, over https, or
 * over plain http only to a loopback host. Applied to configured URIs and to the {@code jwks_uri} a
 * discovery document names alike, so discovery cannot downgrade the transport.
 */
public final class FetchableUris {
    private FetchableUris() {
    }

    /** @throws ConfigException naming {@code key} when the URI breaks the rule */
    public static URI require(URI uri, String key) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new ConfigException(key, "must be an absolute https URI with a host");
        }
        if (scheme.equals("http") && !LoopbackHosts.isLoopback(uri.getHost())) {
            throw new ConfigException(key, "must use https (plain http is allowed only for loopback hosts: 127.0.0.0/8, localhost, [::1])");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ConfigException(key, "must not carry user info");
        }
        return uri;
    }
}
