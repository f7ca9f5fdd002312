package io.authgate.forwardauth;

import io.authgate.core.Authgate;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.jwks.CachedJwks;
import io.authgate.core.resolve.Resolver;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that decides requests under one configuration, built whole from it before it serves:
 * how a request is read (what the rules look at), the router with each rule's resolver, and the key sources {@code /readyz} reports on. A reload
 * builds a new one and swaps it in whole ({@link LiveRouting}); a request keeps the one it started
 * with. Key sources, token caches and resolver-answer caches come from the process's one
 * {@link Authgate}, so a configuration naming the same issuer gets the same ones.
 *
 * @param coreConfigs the top level's core configuration, then each rule's: what the caches serve
 * @param issuer      the top level's keys and token cache (the rules share the top level's issuer)
 */
record Routing(AdapterConfig config, DecisionRequests requests, Router router, List<CachedJwks> keys, List<AuthgateConfig> coreConfigs,
               Authgate.Issuer issuer) {

    Routing {
        keys = List.copyOf(keys);
        coreConfigs = List.copyOf(coreConfigs);
    }

    /**
     * @param developmentEndpoint the running development issuer's origin, or {@code null}
     * @throws io.authgate.core.config.ConfigException for what only the runtime can check (a resolver
     *                                                 url whose Host this JVM cannot set)
     */
    static Routing build(AdapterConfig config, Authgate authgate, String developmentEndpoint) {
        AuthgateConfig core = config.coreConfig(developmentEndpoint);
        Resolver resolver = authgate.resolverFor(core);
        Authgate.Issuer issuer = authgate.issuer(core);
        authgate.remoteSessions(core);
        List<AuthgateConfig> cores = new ArrayList<>(List.of(core));
        List<Router.Route> routes = new ArrayList<>();
        List<CachedJwks> keys = new ArrayList<>(List.of(issuer.keys()));
        for (AdapterConfig.Rule rule : config.rules()) {
            AuthgateConfig ruleConfig = core.with(rule.settings());
            cores.add(ruleConfig);
            routes.add(new Router.Route(rule.match(), authgate.resolverFor(ruleConfig)));
            CachedJwks ruleKeys = authgate.issuer(ruleConfig).keys();
            if (!keys.contains(ruleKeys)) {
                keys.add(ruleKeys);
            }
        }
        Router router = new Router(routes, resolver, config.forwardedHeaders());
        DecisionRequests requests = new DecisionRequests(config.envoyPathPrefix(), config.forwardedHeaders(), router);
        return new Routing(config, requests, router, keys, cores, issuer);
    }

    AuthgateConfig topLevel() {
        return coreConfigs.get(0);
    }

    /** Starts fetching every issuer's keys (a no-op for keys already held: a reload keeping the issuer fetches nothing). */
    void prefetchKeys() {
        keys.forEach(CachedJwks::prefetch);
    }
}
