package io.authgate.core;

import io.authgate.core.config.BrowserSettings;
import io.authgate.core.headers.Header;
import io.authgate.core.browser.Navigation;
import io.authgate.core.browser.OriginalUrl;
import io.authgate.core.browser.Preflight;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One route's answers for browsers ({@link BrowserSettings}), applied by the front around the
 * resolver: a CORS preflight passes before resolution ({@link #passesPreflight}), and a page
 * navigation's 401 becomes the login redirect after it ({@link #afterResolve}). Built once per
 * route. A route with neither feature reads nothing ({@link #readsRequests}).
 */
public final class BrowserAnswers {
    /** How the front's gateway can pass a redirect on. */
    public enum RedirectStyle {
        /** 302 with Location: Traefik, Caddy, Envoy and APISIX pass it to the client as it is. */
        FOUND,
        /**
         * 401 with Location (and the challenge): nginx's {@code auth_request} passes only 2xx, 401 and
         * 403, so the shipped nginx config turns a 401 carrying a Location into the 302 itself.
         */
        UNAUTHORIZED_WITH_LOCATION
    }

    public static final BrowserAnswers NONE = new BrowserAnswers(BrowserSettings.NONE);

    /** A preflight that passes: no identity, and never cached (the answer depends on headers a cache key may omit). */
    public static final Decision.Allow PREFLIGHT = Decision.Allow.NO_SESSION_NOT_REUSABLE;

    private static final Header NO_STORE = new Header("cache-control", "no-store");

    private final BrowserSettings settings;

    private BrowserAnswers(BrowserSettings settings) {
        this.settings = settings;
    }

    public static BrowserAnswers of(BrowserSettings settings) {
        return settings.equals(BrowserSettings.NONE) ? NONE : new BrowserAnswers(settings);
    }

    /** Whether the front needs to read a {@link BrowserRequest} at all for this route. */
    public boolean readsRequests() {
        return this != NONE;
    }

    /** Whether the route lets this request through as a preflight, without resolving it. */
    public boolean passesPreflight(BrowserRequest request, GatewayRequest credentials) {
        return settings.allowCorsPreflight() && Preflight.is(request, credentials);
    }

    /**
     * The decision to give: {@code decision} itself, except a 401 (no session, an invalid or expired
     * one, or a step-up challenge) for a {@link Navigation} on a route with {@code login_redirect},
     * whose original URL is on an allowed origin: then the redirect to the login page. A 403 (a
     * session the route does not admit) stays: logging in again would not change it.
     */
    public Decision afterResolve(Decision decision, BrowserRequest request, RedirectStyle style) {
        if (settings.loginRedirect().isEmpty() || !(decision instanceof Decision.Deny deny) || deny.status() != 401
                || !Navigation.is(request)) {
            return decision;
        }
        BrowserSettings.LoginRedirect login = settings.loginRedirect().get();
        Optional<String> original = OriginalUrl.of(request, login.allowedOrigins());
        if (original.isEmpty()) {
            return decision;
        }
        String url = login.url().toString();
        String location = url + (login.url().getRawQuery() == null ? "?" : "&") + login.parameter() + "="
                + URLEncoder.encode(original.get(), StandardCharsets.UTF_8);
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("location", location));
        headers.add(NO_STORE);
        if (style == RedirectStyle.FOUND) {
            headers.add(new Header("content-type", "text/plain; charset=utf-8"));
            return new Decision.Deny(302, headers, "login required: " + location + "\n");
        }
        headers.addAll(deny.headers());
        return new Decision.Deny(401, headers, deny.body());
    }
}
