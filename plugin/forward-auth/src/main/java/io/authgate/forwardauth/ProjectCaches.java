package io.authgate.forwardauth;

import io.authgate.core.Authgate;
import io.authgate.core.ResolverCacheGauges;
import io.authgate.core.TokenCacheGauges;
import io.authgate.core.config.AuthgateConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Authgear project's caches, as the gauges show them: labelled by the project's
 * {@code authgear_endpoint} (its issuer; an origin, never a credential). A project named by several
 * configurations with other cache budgets has a cache for each ({@link Authgate} shares a cache only
 * between the same issuer and settings): its gauges are their sums.
 *
 * @param project   the issuer
 * @param tokens    its verified-token caches, each once
 * @param resolvers its resolver-answer caches, each once (none when its resolver is off)
 */
record ProjectCaches(String project, List<TokenCacheGauges> tokens, List<ResolverCacheGauges> resolvers) {

    ProjectCaches {
        tokens = List.copyOf(tokens);
        resolvers = List.copyOf(resolvers);
    }

    /** The caches of every project these configurations name (the top level first), each cache once. */
    static List<ProjectCaches> of(Authgate authgate, List<AuthgateConfig> configs) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<String, List<TokenCacheGauges>> tokens = new LinkedHashMap<>();
        Map<String, List<ResolverCacheGauges>> resolvers = new LinkedHashMap<>();
        for (AuthgateConfig config : configs) {
            TokenCacheGauges t = authgate.tokenCache(config);
            List<TokenCacheGauges> projectTokens = tokens.computeIfAbsent(config.issuer(), k -> new ArrayList<>());
            if (seen.add(t)) {
                projectTokens.add(t);
            }
            List<ResolverCacheGauges> projectResolvers = resolvers.computeIfAbsent(config.issuer(), k -> new ArrayList<>());
            authgate.resolverCache(config).filter(seen::add).ifPresent(projectResolvers::add);
        }
        List<ProjectCaches> out = new ArrayList<>();
        tokens.forEach((project, caches) -> out.add(new ProjectCaches(project, caches, resolvers.get(project))));
        return List.copyOf(out);
    }
}
