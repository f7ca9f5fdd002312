package io.authgate.core;

import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.JwksSettings;
import io.authgate.core.config.ResolverSettings;
import io.authgate.core.jwks.CachedJwks;
import io.authgate.core.jwks.HttpJwksFetcher;
import io.authgate.core.jwks.JwksFetcher;
import io.authgate.core.jwt.AccessTokenVerifier;
import io.authgate.core.jwt.TokenValidators;
import io.authgate.core.jwt.VerifiedTokenCache;
import io.authgate.core.remote.HttpResolverClient;
import io.authgate.core.remote.RemoteSessions;
import io.authgate.core.remote.ResolverClient;
import io.authgate.core.resolve.Resolver;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The process-wide runtime a front holds: one HTTP client; one key source with its verified-token
 * cache per issuer and key settings; one cache of Authgear's resolver answers per resolver settings.
 * Each is shared by every configuration that names it (many APISIX routes use the same Authgear
 * project; they must not each fetch the JWKS or ask Authgear about the same cookie).
 */
public final class Authgate {
    private final Clock clock;
    private final AuthgateEvents events;
    private final Function<AuthgateConfig, JwksFetcher> fetchers;
    private final BiFunction<ResolverSettings, String, ResolverClient> resolverClients;
    private final Map<IssuerKey, Issuer> issuers = new ConcurrentHashMap<>();
    private final Map<RemoteKey, RemoteSessions> remotes = new ConcurrentHashMap<>();

    /** What makes two configurations share keys and cache. */
    private record IssuerKey(String issuer, URI jwksUri, JwksSettings jwks, long tokenCacheMaxBytes) {
        static IssuerKey of(AuthgateConfig c) {
            return new IssuerKey(c.issuer(), c.jwksUri(), c.jwks(), c.tokenCacheMaxBytes());
        }
    }

    /** What makes two configurations share Authgear's resolver answers. */
    private record RemoteKey(ResolverSettings settings, String issuer) {
    }

    /** The keys of one issuer and the tokens verified with them. */
    public record Issuer(CachedJwks keys, VerifiedTokenCache tokens) {
    }

    /**
     * @param fetchers        the JWKS fetcher for a configuration's issuer
     * @param resolverClients the client of Authgear's resolver, for settings and the issuer
     */
    public Authgate(Clock clock, AuthgateEvents events, Function<AuthgateConfig, JwksFetcher> fetchers,
                    BiFunction<ResolverSettings, String, ResolverClient> resolverClients) {
        this.clock = clock;
        // Guarded once here, so no part of the core need defend against a listener that throws.
        this.events = GuardedEvents.of(List.of(events));
        this.fetchers = fetchers;
        this.resolverClients = resolverClients;
    }

    /** A runtime with its own JWKS fetchers and the JDK HTTP client for Authgear's resolver. */
    public Authgate(Clock clock, AuthgateEvents events, Function<AuthgateConfig, JwksFetcher> fetchers) {
        this(clock, events, fetchers, jdkResolverClients(httpClient()));
    }

    /**
     * The production runtime: the system clock and the JDK HTTP client. A front calls
     * {@link HostHeader#allowForResolver()} at its start-up, before this.
     */
    public static Authgate create(AuthgateEvents events) {
        HttpClient client = httpClient();
        return new Authgate(Clock.systemUTC(), events, config -> new HttpJwksFetcher(
                client, config.issuer(), config.jwksUri(), config.discoveryUri(), config.jwks().fetchTimeout()),
                jdkResolverClients(client));
    }

    private static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    private static BiFunction<ResolverSettings, String, ResolverClient> jdkResolverClients(HttpClient client) {
        return (settings, issuer) -> new HttpResolverClient(client, settings, issuer);
    }

    /** A resolver for a configuration; cheap after the first for the same issuer. */
    public Resolver resolverFor(AuthgateConfig config) {
        Issuer issuer = issuer(config);
        AccessTokenVerifier verifier = new AccessTokenVerifier(
                TokenValidators.forConfig(config), issuer.keys(), issuer.tokens(), clock, events);
        return new Resolver(config, verifier, Optional.ofNullable(remoteSessions(config)), clock);
    }

    /** The cache of Authgear's resolver answers for a configuration, or {@code null} when it is off. */
    public RemoteSessions remoteSessions(AuthgateConfig config) {
        ResolverSettings settings = config.resolver();
        if (settings == null) {
            return null;
        }
        if (settings.needsHostOverride() && !HttpResolverClient.canSetHost()) {
            throw new ConfigException("resolver.url", "is not Authgear's own origin, so Host must be set to "
                    + settings.authgearHost() + ", which this JVM refuses: start it with -Djdk.httpclient.allowRestrictedHeaders=host");
        }
        return remotes.computeIfAbsent(new RemoteKey(settings, config.issuer()),
                k -> new RemoteSessions(resolverClients.apply(k.settings(), k.issuer()), k.settings(), clock, events));
    }

    public Issuer issuer(AuthgateConfig config) {
        return issuers.computeIfAbsent(IssuerKey.of(config), key -> {
            CachedJwks keys = new CachedJwks(fetchers.apply(config), config.jwks(), clock, events);
            VerifiedTokenCache tokens = new VerifiedTokenCache(config.tokenCacheMaxBytes(), clock);
            keys.onKeysRemoved(tokens::invalidateAll);
            return new Issuer(keys, tokens);
        });
    }

    public Clock clock() {
        return clock;
    }
}
