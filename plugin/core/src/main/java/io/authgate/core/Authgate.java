package io.authgate.core;

import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.JwksSettings;
import io.authgate.core.jwks.CachedJwks;
import io.authgate.core.jwks.HttpJwksFetcher;
import io.authgate.core.jwks.JwksFetcher;
import io.authgate.core.jwt.AccessTokenVerifier;
import io.authgate.core.jwt.TokenValidators;
import io.authgate.core.jwt.VerifiedTokenCache;
import io.authgate.core.resolve.Resolver;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The process-wide runtime a front holds: one HTTP client, and one key source with its verified-token
 * cache per issuer and key settings, shared by every configuration that names them (many APISIX
 * routes use the same Authgear project; they must not each fetch the JWKS).
 */
public final class Authgate {
    private final Clock clock;
    private final AuthgateEvents events;
    private final Function<AuthgateConfig, JwksFetcher> fetchers;
    private final Map<IssuerKey, Issuer> issuers = new ConcurrentHashMap<>();

    /** What makes two configurations share keys and cache. */
    private record IssuerKey(String issuer, URI jwksUri, JwksSettings jwks, int tokenCacheMaxEntries) {
        static IssuerKey of(AuthgateConfig c) {
            return new IssuerKey(c.issuer(), c.jwksUri(), c.jwks(), c.tokenCacheMaxEntries());
        }
    }

    /** The keys of one issuer and the tokens verified with them. */
    public record Issuer(CachedJwks keys, VerifiedTokenCache tokens) {
    }

    public Authgate(Clock clock, AuthgateEvents events, Function<AuthgateConfig, JwksFetcher> fetchers) {
        this.clock = clock;
        this.events = events;
        this.fetchers = fetchers;
    }

    /** The production runtime: the system clock and the JDK HTTP client. */
    public static Authgate create(AuthgateEvents events) {
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        return new Authgate(Clock.systemUTC(), events, config -> new HttpJwksFetcher(
                client, config.issuer(), config.jwksUri(), config.discoveryUri(), config.jwks().fetchTimeout()));
    }

    /** A resolver for a configuration; cheap after the first for the same issuer. */
    public Resolver resolverFor(AuthgateConfig config) {
        Issuer issuer = issuer(config);
        AccessTokenVerifier verifier = new AccessTokenVerifier(
                TokenValidators.forConfig(config), issuer.keys(), issuer.tokens(), clock, events);
        return new Resolver(config, verifier, clock);
    }

    public Issuer issuer(AuthgateConfig config) {
        return issuers.computeIfAbsent(IssuerKey.of(config), key -> {
            CachedJwks keys = new CachedJwks(fetchers.apply(config), config.jwks(), clock, events);
            VerifiedTokenCache tokens = new VerifiedTokenCache(config.tokenCacheMaxEntries(), clock);
            keys.onKeysRemoved(tokens::invalidateAll);
            return new Issuer(keys, tokens);
        });
    }

    public Clock clock() {
        return clock;
    }
}
