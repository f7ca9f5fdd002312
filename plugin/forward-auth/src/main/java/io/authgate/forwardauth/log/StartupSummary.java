package io.authgate.forwardauth.log;

import java.net.InetSocketAddress;

/**
 * What the one start-up line says: the version; the issuer, where its keys come from, the mode,
 * how many rules, whether Authgear's resolver is used; and the two addresses bound.
 *
 * @param jwks         the configured {@code jwks_uri}, or "discovered from" the issuer's discovery document
 * @param decisionPath where on {@code listen} decisions are asked for
 */
public record StartupSummary(String version, String issuer, String jwks, String mode, int rules, boolean resolver,
                             InetSocketAddress listen, String decisionPath, InetSocketAddress admin,
                             java.util.Optional<String> webhooks) {

    /** An adapter that receives no webhook events. */
    public StartupSummary(String version, String issuer, String jwks, String mode, int rules, boolean resolver,
                          InetSocketAddress listen, String decisionPath, InetSocketAddress admin) {
        this(version, issuer, jwks, mode, rules, resolver, listen, decisionPath, admin, java.util.Optional.empty());
    }

    LogLine line() {
        String decisions = "http://" + hostPort(listen) + decisionPath;
        String adminOrigin = "http://" + hostPort(admin);
        // The text line starts "authgate forward-auth listening: decisions http://..." as it always
        // has: scripts and tests wait for it and read the bound ports from it.
        String message = "forward-auth listening: decisions " + decisions + ", admin " + adminOrigin + " (/healthz /readyz /metrics);"
                + " version " + version + ", issuer " + issuer + ", jwks " + jwks + ", mode " + mode + ", " + rules
                + (rules == 1 ? " rule" : " rules") + ", resolver " + (resolver ? "on" : "off")
                + webhooks.map(w -> ", webhooks " + w).orElse("");
        LogLine line = LogLine.info(LogLine.STARTED, message)
                .with("version", version).with("issuer", issuer).with("jwks", jwks).with("mode", mode).with("rules", rules)
                .with("resolver", resolver).with("listen", hostPort(listen)).with("admin_listen", hostPort(admin))
                .with("decisions", decisions);
        return webhooks.map(w -> line.with("webhooks", w)).orElse(line);
    }

    /** {@code 127.0.0.1:9095}, {@code [::1]:9095}: no resolver's "/" (InetSocketAddress.toString). */
    public static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
