package io.authgate.forwardauth;

import io.authgate.core.headers.Header;
import io.authgate.core.Decision;
import io.authgate.core.BrowserAnswers;
import io.authgate.core.Gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Decides a request with the resolver of the first rule whose match covers the forwarded request,
 * else the top-level configuration. With no rules the forwarded headers are not even read; with
 * rules, a request that does not say which request it is (see {@link ForwardedHeaders}) is refused
 * rather than guessed, and so is, when a rule looks at paths, a path backends may read otherwise than
 * the rules do ({@link PathNormalizer#ambiguous}): 403, which every gateway passes on as it is.
 */
final class Router {
    /** A rule: its match, its resolver, and what it does for browsers ({@link BrowserAnswers}). */
    record Route(RouteMatch match, Gate resolver, BrowserAnswers browser) {
        Route(RouteMatch match, Gate resolver) {
            this(match, resolver, BrowserAnswers.NONE);
        }
    }

    private static final CompletableFuture<Decision> PREFLIGHT = CompletableFuture.completedFuture(BrowserAnswers.PREFLIGHT);

    private final List<Route> routes;
    private final Gate fallback;
    private final BrowserAnswers fallbackBrowser;
    private final boolean readsBrowsers;
    private final CompletableFuture<Decision> undetermined;
    private final boolean pathRules;

    static final Decision.Deny AMBIGUOUS_PATH = new Decision.Deny(403, List.of(new Header("content-type", "application/json")),
            "{\"error\":\"forbidden\",\"error_description\":\"the request path is ambiguous (an encoded slash or"
                    + " backslash, a dot segment, a control character or an invalid escape)\"}\n");
    private static final CompletableFuture<Decision> AMBIGUOUS = CompletableFuture.completedFuture(AMBIGUOUS_PATH);
    /** What {@link #choose} says besides a rule's index. */
    static final int TOP_LEVEL = -1;
    static final int UNDETERMINED = -2;
    static final int AMBIGUOUS_TARGET = -3;
    private static final Optional<String> TOP_LEVEL_NAME = Optional.of("default");

    private final List<Optional<String>> ruleNames;

    Router(List<Route> routes, Gate fallback, ForwardedHeaders forwardedHeaders) {
        this(routes, fallback, BrowserAnswers.NONE, forwardedHeaders);
    }

    /** @param fallbackBrowser the top level's browser answers, for requests no rule covers */
    Router(List<Route> routes, Gate fallback, BrowserAnswers fallbackBrowser, ForwardedHeaders forwardedHeaders) {
        this.routes = List.copyOf(routes);
        this.fallback = fallback;
        this.fallbackBrowser = fallbackBrowser;
        this.readsBrowsers = fallbackBrowser.readsRequests() || this.routes.stream().anyMatch(r -> r.browser().readsRequests());
        this.undetermined = CompletableFuture.completedFuture(forwardedHeaders.undetermined);
        this.pathRules = this.routes.stream().anyMatch(r -> r.match().pathPrefix() != null || r.match().pathRegex() != null);
        List<Optional<String>> names = new ArrayList<>();
        for (int i = 0; i < this.routes.size(); i++) {
            names.add(Optional.of("rules[" + i + "]"));
        }
        this.ruleNames = List.copyOf(names);
    }

    /** Whether any rule exists: only then is the forwarded request read. */
    boolean readsTargets() {
        return !routes.isEmpty();
    }

    /** Whether the top level or any rule has a browser feature on: only then are the browser's headers read. */
    boolean readsBrowsers() {
        return readsBrowsers;
    }

    /** Whether any rule looks at paths: only then is the forwarded path normalized and judged. */
    boolean readsPaths() {
        return pathRules;
    }

    CompletableFuture<Decision> decide(DecisionRequest request) {
        int chosen = choose(request);
        return switch (chosen) {
            case TOP_LEVEL -> decide(fallback, fallbackBrowser, request);
            case UNDETERMINED -> undetermined;
            case AMBIGUOUS_TARGET -> AMBIGUOUS;
            default -> decide(routes.get(chosen).resolver(), routes.get(chosen).browser(), request);
        };
    }

    /**
     * For the decision log: {@code rules[N]}, {@code default} (the top level), or empty when the
     * request was refused before any rule could be chosen. Matches again: only when the log is on.
     */
    Optional<String> ruleOf(DecisionRequest request) {
        int chosen = choose(request);
        return chosen >= 0 ? ruleNames.get(chosen) : chosen == TOP_LEVEL ? TOP_LEVEL_NAME : Optional.empty();
    }

    /** The index of the first rule that covers the request, else one of the codes above ({@code explain} prints it). */
    int choose(DecisionRequest request) {
        if (routes.isEmpty()) {
            return TOP_LEVEL;
        }
        ForwardedTarget target = request.target();
        if (target.undetermined()) {
            return UNDETERMINED;
        }
        if (pathRules && target.ambiguous()) {
            return AMBIGUOUS_TARGET;
        }
        for (int i = 0; i < routes.size(); i++) {
            if (routes.get(i).match().matches(target)) {
                return i;
            }
        }
        return TOP_LEVEL;
    }

    /** The chosen rule's decision: a preflight it lets pass is not resolved; a navigation's 401 may become the login redirect. */
    private static CompletableFuture<Decision> decide(Gate resolver, BrowserAnswers browser, DecisionRequest request) {
        if (!browser.readsRequests()) {
            return resolver.resolveAsync(request.credentials());
        }
        if (browser.passesPreflight(request.browser(), request.credentials())) {
            return PREFLIGHT;
        }
        return resolver.resolveAsync(request.credentials()).thenApply(d -> browser.afterResolve(d, request.browser(), request.redirectStyle()));
    }
}
