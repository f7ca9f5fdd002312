package io.authgate.core;

import java.util.Locale;

/**
 * A resolver {@code url} inside the cluster still needs Authgear's public {@code Host}, which the
 * JDK client refuses to set unless {@code jdk.httpclient.allowRestrictedHeaders} names it before its
 * first request is built. That is a JVM-wide setting, so the core never makes it by itself: each
 * front's start-up calls {@link #allowForResolver()} (the APISIX runner's auto-configuration, the
 * adapter's start) before it creates its {@link Authgate}. A front that does not is refused at
 * configuration time, naming {@code resolver.url}, whenever a route would need it.
 */
public final class HostHeader {
    static final String PROPERTY = "jdk.httpclient.allowRestrictedHeaders";

    private HostHeader() {
    }

    /** Adds {@code host} to the property; an operator's own value is kept. */
    public static void allowForResolver() {
        synchronized (HostHeader.class) {
            String current = System.getProperty(PROPERTY);
            if (current == null || current.isBlank()) {
                System.setProperty(PROPERTY, "host");
            } else if (!(("," + current.toLowerCase(Locale.ROOT).replace(" ", "") + ",").contains(",host,"))) {
                System.setProperty(PROPERTY, current + ",host");
            }
        }
    }
}
