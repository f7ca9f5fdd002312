package io.authgate.forwardauth;

import io.authgate.core.Authgate;
import io.authgate.core.BrowserAnswers;
import io.authgate.core.config.AuthgateConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that decides requests under one configuration, built whole from it before it serves:
 * how a request is read (what the rules look at), the router with each rule's gate, and what the
 * decision log says of a request (which rule). A reload
 * builds a new one and swaps it in whole ({@link LiveRouting}); a request keeps the one it started
 * with. Key sources, token caches and resolver-answer caches come from the process's one
 * {@link Authgate}, so a configuration naming the same issuer gets the same ones (and fetches no keys).
 *
 * @param coreConfigs the top level's core configuration, then each rule's (a rule may name its own
 *                    project): what the caches serve, and what {@link Authgate#retainOnly} keeps
 */
record Routing(AdapterConfig config, DecisionRequests requests, Router router, DecisionEntries entries, List<AuthgateConfig> coreConfigs) {

    Routing {
        coreConfigs = List.copyOf(coreConfigs);
    }

    /**
     * Prepares every configuration's gate (keys of a new issuer start being fetched, in the background).
     *
     * @param developmentEndpoint the running development issuer's origin, or {@code null}
     * @throws io.authgate.core.config.ConfigException for what only the runtime can check (a resolver
     *                                                 url whose Host this JVM cannot set)
     */
    static Routing build(AdapterConfig config, Authgate authgate, String developmentEndpoint) {
        return build(config, config.coreConfig(developmentEndpoint), authgate);
    }

    /** With this top-level core configuration (what {@code explain --jwks} points at a local copy of the keys). */
    static Routing build(AdapterConfig config, AuthgateConfig core, Authgate authgate) {
        List<AuthgateConfig> cores = new ArrayList<>(List.of(core));
        List<Router.Route> routes = new ArrayList<>();
        for (AdapterConfig.Rule rule : config.rules()) {
            AuthgateConfig ruleConfig = rule.configOver(core);
            cores.add(ruleConfig);
            routes.add(new Router.Route(rule.match(), authgate.prepare(ruleConfig), BrowserAnswers.of(rule.browser())));
        }
        Router router = new Router(routes, authgate.prepare(core), BrowserAnswers.of(config.browser()), config.forwardedHeaders());
        DecisionRequests requests = new DecisionRequests(config.envoyPathPrefix(), config.forwardedHeaders(), router);
        DecisionEntries entries = new DecisionEntries(router, config.envoyPathPrefix(), config.forwardedHeaders());
        return new Routing(config, requests, router, entries, cores);
    }

    /** The top level's core configuration; rules share its issuer and resolver settings. */
    AuthgateConfig topLevel() {
        return coreConfigs.get(0);
    }
}
