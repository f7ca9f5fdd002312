package io.authgate.forwardauth;

import io.authgate.core.headers.Header;
import io.authgate.core.Decision;
import io.authgate.core.Gate;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Decides a request with the resolver of the first rule whose match covers the forwarded request,
 * else the top-level configuration. With no rules the forwarded headers are not even read; with
 * rules, a request that does not say which request it is (see {@link ForwardedHeaders}) is refused
 * rather than guessed, and so is, when a rule looks at paths, a path backends may read otherwise than
 * the rules do ({@link PathNormalizer#ambiguous}): 403, which every gateway passes on as it is.
 */
final class Router {
    record Route(RouteMatch match, Gate resolver) {
    }

    private final List<Route> routes;
    private final Gate fallback;
    private final CompletableFuture<Decision> undetermined;
    private final boolean pathRules;

    static final Decision.Deny AMBIGUOUS_PATH = new Decision.Deny(403, List.of(new Header("content-type", "application/json")),
            "{\"error\":\"forbidden\",\"error_description\":\"the request path is ambiguous (an encoded slash or"
                    + " backslash, a dot segment, a control character or an invalid escape)\"}\n");
    private static final CompletableFuture<Decision> AMBIGUOUS = CompletableFuture.completedFuture(AMBIGUOUS_PATH);

    Router(List<Route> routes, Gate fallback, ForwardedHeaders forwardedHeaders) {
        this.routes = List.copyOf(routes);
        this.fallback = fallback;
        this.undetermined = CompletableFuture.completedFuture(forwardedHeaders.undetermined);
        this.pathRules = this.routes.stream().anyMatch(r -> r.match().pathPrefix() != null || r.match().pathRegex() != null);
    }

    /** Whether any rule exists: only then is the forwarded request read. */
    boolean readsTargets() {
        return !routes.isEmpty();
    }

    /** Whether any rule looks at paths: only then is the forwarded path normalized and judged. */
    boolean readsPaths() {
        return pathRules;
    }

    /** {@link #select}: no rule decides, the top level does. */
    static final int TOP_LEVEL = -1;
    /** {@link #select}: the request does not say which request it is ({@link ForwardedHeaders}). */
    static final int UNDETERMINED = -2;
    /** {@link #select}: a rule looks at paths and this path is ambiguous ({@link PathNormalizer#ambiguous}). */
    static final int AMBIGUOUS_TARGET = -3;

    /**
     * Which configuration decides a request: the index of the first rule whose match covers it,
     * {@link #TOP_LEVEL}, or {@link #UNDETERMINED} / {@link #AMBIGUOUS_TARGET} when none may (an int,
     * not an object: this runs for every request). {@code explain} prints it.
     */
    int select(DecisionRequest request) {
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

    CompletableFuture<Decision> decide(DecisionRequest request) {
        int selected = select(request);
        return switch (selected) {
            case TOP_LEVEL -> fallback.resolveAsync(request.credentials());
            case UNDETERMINED -> undetermined;
            case AMBIGUOUS_TARGET -> AMBIGUOUS;
            default -> routes.get(selected).resolver().resolveAsync(request.credentials());
        };
    }
}
