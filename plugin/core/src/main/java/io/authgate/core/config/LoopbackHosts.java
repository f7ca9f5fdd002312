package io.authgate.core.config;

import java.util.Locale;

/**
 * Which hosts count as loopback, decided from the literal host alone (no DNS: a name that resolves
 * to 127.0.0.1 today may not tomorrow). Only loopback may be reached over plain {@code http}.
 */
public final class LoopbackHosts {
    private LoopbackHosts() {
    }

    /** @param host a URI host: a name, an IPv4 literal, or an IPv6 literal in brackets */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")) {
            return true;
        }
        String[] octets = h.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }
}
